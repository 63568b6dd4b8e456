import type { MiddlewareFn } from "grammy";
import type { BaseContext, BotDeps } from "../context.ts";

/** Gives every update its dependencies and a child logger tagged with the update id. */
export function attachDeps(deps: BotDeps): MiddlewareFn<BaseContext> {
  return (ctx, next) => {
    ctx.deps = deps;
    ctx.logger = deps.logger.child({ updateId: ctx.update.update_id });
    ctx.customer = null;
    ctx.card = null;
    ctx.staff = null;
    return next();
  };
}
