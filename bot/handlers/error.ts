import type { ErrorHandler } from "grammy";
import type { BaseContext } from "../context.ts";
import { answerCallback } from "../cosmetic.ts";

/**
 * The one error boundary: logs what failed (never the message text or personal data; the
 * logger scrubs those) and answers the person politely so nobody is left without a reply.
 */
export const errorHandler: ErrorHandler<BaseContext> = async (error) => {
  const ctx = error.ctx;
  const logger = ctx.logger ?? ctx.deps?.logger;
  logger?.error({ err: error.error, updateType: updateType(ctx) }, "update failed");
  if (ctx.chat?.type !== "private") return;
  try {
    await answerCallback(ctx);
    await ctx.reply(ctx.t("error-generic"));
  } catch (replyError) {
    logger?.warn({ err: replyError }, "could not tell the user about the error");
  }
};

function updateType(ctx: BaseContext): string {
  return Object.keys(ctx.update).find((k) => k !== "update_id") ?? "unknown";
}
