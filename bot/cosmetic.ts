import type { Context } from "grammy";

/**
 * Calls that only tidy up the chat — answering a callback query (it stops the button's
 * spinner), removing the buttons of a message — must never fail the step they belong to: the
 * query may be too old, the message gone or inaccessible. grammY even throws synchronously,
 * before any request, when a callback query's message has no message_id; `.catch()` on the
 * call would not see that, hence the try around the call itself.
 */
export async function bestEffort(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch {
    // Cosmetic: nothing to do, and nothing the person needs to hear about.
  }
}

export function answerCallback(ctx: Context, text?: string): Promise<void> {
  if (!ctx.callbackQuery) return Promise.resolve();
  return bestEffort(() => ctx.answerCallbackQuery(text === undefined ? undefined : { text }));
}

/** Removes the inline buttons from the message a button was pressed on. */
export function removeButtons(ctx: Context): Promise<void> {
  if (!ctx.callbackQuery?.message) return Promise.resolve();
  return bestEffort(() => ctx.editMessageReplyMarkup());
}
