import type { MiddlewareFn } from "grammy";
import type { BotContext } from "../../context.ts";

/** Menu items need a card; anyone else is pointed back to /start instead of getting an error. */
export const requireCard: MiddlewareFn<BotContext> = async (ctx, next) => {
  if (ctx.customer?.status === "ACTIVE") return next();
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
  await ctx.reply(ctx.t("card-not-issued"), { reply_markup: { remove_keyboard: true } });
};
