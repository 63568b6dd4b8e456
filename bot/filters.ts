import type { BotContext } from "./context.ts";

/** Customers who finished onboarding and hold a card. */
export function isActiveCustomer(ctx: BotContext): boolean {
  return ctx.customer?.status === "ACTIVE";
}
