import type { MiddlewareFn } from "grammy";
import type { BaseContext } from "../context.ts";

/** Loads the customer behind the update (one indexed lookup) for language and features. */
export const loadCustomer: MiddlewareFn<BaseContext> = async (ctx, next) => {
  if (ctx.from && !ctx.from.is_bot) {
    ctx.customer = await ctx.deps.db.customer.findUnique({
      where: { telegramId: BigInt(ctx.from.id) },
    });
  }
  return next();
};
