import type { MiddlewareFn } from "grammy";
import { touchLastSeen } from "../../core/customers/touch-last-seen.ts";
import type { BaseContext } from "../context.ts";

/**
 * Loads the customer behind the update (one indexed lookup) for language and features, and keeps
 * "last seen" current for recency segments.
 */
export const loadCustomer: MiddlewareFn<BaseContext> = async (ctx, next) => {
  if (ctx.from && !ctx.from.is_bot) {
    const customer = await ctx.deps.db.customer.findUnique({
      where: { telegramId: BigInt(ctx.from.id) },
    });
    if (customer) customer.lastSeenAt = await touchLastSeen(ctx.deps.db, customer);
    ctx.customer = customer;
  }
  return next();
};
