import type { MiddlewareFn } from "grammy";
import { loadCustomer } from "../../core/customers/load-customer.ts";
import type { BaseContext } from "../context.ts";

/**
 * Loads the customer behind the update and their card, keeps "last seen" current for recency
 * segments, and reads the staff member behind the account and the chat's conversation state —
 * all in one statement, the only read an update makes. `stateKey` names the conversation state row of the update's chat.
 */
export function loadCustomerMiddleware(
  stateKey: (ctx: BaseContext) => string | undefined,
): MiddlewareFn<BaseContext> {
  return async (ctx, next) => {
    if (ctx.from && !ctx.from.is_bot) {
      const key = stateKey(ctx);
      const loaded = await loadCustomer(ctx.deps.sql, {
        telegramId: ctx.from.id,
        stateKey: key ?? null,
      });
      ctx.customer = loaded.customer;
      ctx.card = loaded.card;
      ctx.staff = loaded.staff;
      if (key !== undefined) ctx.prefetchedState = { key, value: loaded.state };
    }
    return next();
  };
}
