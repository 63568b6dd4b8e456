import type { MiddlewareFn } from "grammy";
import type { Customer } from "../../../core/db/client.ts";
import type { BotContext } from "../../context.ts";
import { answerCallback } from "../../cosmetic.ts";

/**
 * Menu items need a card; anyone else is pointed back to /start instead of getting an error.
 * The handler gets the customer as present, so it needs no second check of its own.
 */
export function withCard<C extends BotContext>(
  handler: (ctx: C & { customer: Customer }) => Promise<unknown>,
): MiddlewareFn<C> {
  return async (ctx) => {
    if (ctx.customer?.status === "ACTIVE") {
      await handler(ctx as C & { customer: Customer });
      return;
    }
    await answerCallback(ctx);
    await ctx.reply(ctx.t("card-not-issued"), { reply_markup: { remove_keyboard: true } });
  };
}
