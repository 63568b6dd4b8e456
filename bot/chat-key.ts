import type { Context } from "grammy";

/** Per-chat key for sequential processing and state; updates without a chat use the sender. */
export function chatKey(ctx: Context): string | undefined {
  return ctx.chat?.id.toString() ?? ctx.from?.id.toString();
}
