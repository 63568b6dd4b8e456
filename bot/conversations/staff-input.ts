import { cb } from "../callback-data.ts";
import { answerCallback, removeButtons } from "../cosmetic.ts";
import type { StepContext, StepConversation, StepDeps } from "./steps.ts";

export const CANCELLED = Symbol("cancelled");
export const SKIPPED = Symbol("skipped");

// The staff menu's own buttons, whose press means "never mind, do this instead".
const staffMenuKeys = [
  "staff-menu-find",
  "staff-menu-new-customer",
  "staff-menu-customer-mode",
  "staff-menu-broadcast",
];

/**
 * The next thing a staff member types in a question at the till: its text (or the number of a
 * contact they shared, when `contact`), or their Cancel/Skip. Anything else gets `hint` and the
 * question stays. A menu button, a command or another button (a staff action on a customer
 * shown earlier) ends the question and goes on to the rest of the bot, so staff are never
 * stuck in it.
 */
export async function staffInput(
  conversation: StepConversation,
  deps: StepDeps,
  options: { hint: string; contact?: boolean; skip?: boolean },
): Promise<string | typeof CANCELLED | typeof SKIPPED> {
  for (;;) {
    const c = await conversation.wait();
    const data = c.callbackQuery?.data;
    if (data === cb.cancel || (options.skip && data === cb.skip)) {
      await answerCallback(c);
      await removeButtons(c);
      return data === cb.cancel ? CANCELLED : SKIPPED;
    }
    if (data !== undefined || leaves(c, deps)) await conversation.halt({ next: true });
    const text =
      c.message?.text ?? (options.contact ? c.message?.contact?.phone_number : undefined);
    if (text !== undefined) return text;
    await c.reply(c.t(options.hint));
  }
}

/**
 * An answer `staffAnswer` accepts; a wrapper, so that null (no category, say) is an answer too.
 */
export type Accepted<T> = { value: T };

/**
 * The next answer to a question at the till that has its own buttons (a category, points to
 * spend, a purchase to refund): `handle` accepts an update by returning `{ value }`, or answers
 * it with a hint and returns nothing, and the question stays. The preview's Cancel ends it with
 * CANCELLED after `cancelled` is said; a menu button or a command ends it and goes on to the
 * rest of the bot, as in `staffInput`.
 */
export async function staffAnswer<T>(
  conversation: StepConversation,
  deps: StepDeps,
  options: {
    cancelData: string;
    cancelled: string;
    handle: (c: StepContext) => Promise<Accepted<T> | undefined>;
  },
): Promise<T | typeof CANCELLED> {
  for (;;) {
    const c = await conversation.wait();
    if (c.callbackQuery?.data === options.cancelData) {
      await answerCallback(c);
      await removeButtons(c);
      await c.reply(c.t(options.cancelled));
      return CANCELLED;
    }
    if (leaves(c, deps)) await conversation.halt({ next: true });
    const accepted = await options.handle(c);
    if (accepted) return accepted.value;
  }
}

function leaves(c: StepContext, deps: StepDeps): boolean {
  const text = c.message?.text;
  if (text === undefined) return false;
  return (
    text.startsWith("/") ||
    deps.menuLabels.has(text) ||
    staffMenuKeys.some((key) => c.t(key) === text) ||
    c.t("menu-staff-mode") === text
  );
}
