import type { Actor } from "../core/access/permissions.ts";
import type { BotContext } from "./context.ts";

/** The staff member behind this update, as core's checks take them; null unless active staff. */
export function staffActor(ctx: BotContext): Actor | null {
  const staff = ctx.staff;
  if (!staff?.active) return null;
  return {
    staffId: staff.id,
    role: staff.role,
    via: "telegram",
    ownCustomerId: ctx.customer?.id ?? null,
  };
}

/** Whether the customer menu should offer the way back to the staff menu. */
export function isActiveStaff(ctx: BotContext): boolean {
  return ctx.staff?.active === true;
}
