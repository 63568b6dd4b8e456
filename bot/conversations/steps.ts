import type { Conversation } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context, InlineKeyboard } from "grammy";
import { attachPhone } from "../../core/onboarding/attach-phone.ts";
import { type OnboardingState, onboardingState } from "../../core/onboarding/onboarding-state.ts";
import { type ProfileChange, updateProfile } from "../../core/profile/update-profile.ts";
import { type Parsed, parseName, parsePhone } from "../../core/profile/validation.ts";
import { cb } from "../callback-data.ts";
import type { BotContext, BotDeps } from "../context.ts";
import { answerCallback, removeButtons } from "../cosmetic.ts";
import {
  cancelKeyboard,
  keepNameKeyboard,
  sharePhoneKeyboard,
  skipKeyboard,
} from "../keyboards/onboarding.ts";

/**
 * Question steps shared by onboarding and profile editing. Each step asks, validates, answers
 * bad input with a specific hint and asks again, and saves the answer through core/ inside
 * `conversation.external` (conversations replay their code; side effects must not repeat).
 */
export type StepContext = Context & I18nFlavor;
export type StepConversation = Conversation<BotContext, StepContext>;
export type StepDeps = Pick<BotDeps, "sql" | "config" | "loyalty" | "questions" | "logger"> & {
  /** Main-menu button texts in every language: pressing one leaves an edit. */
  menuLabels: ReadonlySet<string>;
};

/** How the person may leave a question without answering it. */
export type Escape = "none" | "skip" | "cancel";

export const SKIPPED = Symbol("skipped");
export type Skipped = typeof SKIPPED;

function escapeKeyboard(ctx: StepContext, way: Escape) {
  if (way === "skip") return skipKeyboard(ctx.t);
  if (way === "cancel") return cancelKeyboard(ctx.t);
  return undefined;
}

/** The Skip or Cancel button of a question that may be left that way. */
export function isEscape(c: StepContext, way: Escape): boolean {
  const data = c.callbackQuery?.data;
  return (way === "skip" && data === cb.skip) || (way === "cancel" && data === cb.cancel);
}

/** Removes the buttons from the message a button was pressed on, so it cannot be pressed again. */
export async function closeButtons(c: StepContext): Promise<void> {
  await answerCallback(c);
  await removeButtons(c);
}

/**
 * Waits for updates until `handle` accepts one. A button from an older message (a double tap)
 * is acknowledged silently; everything else `handle` rejects has already been answered by it.
 */
export async function collect<T>(
  conversation: StepConversation,
  handle: (c: StepContext) => Promise<T | undefined>,
  leave?: (c: StepContext) => boolean,
): Promise<T> {
  for (;;) {
    const c = await conversation.wait();
    // The person moved on (a menu button, a command): end the question and let the rest of
    // the bot handle the update, instead of saving "💳 My card" as their city.
    if (leave?.(c)) await conversation.halt({ next: true });
    const result = await handle(c);
    if (result !== undefined) return result;
  }
}

// Callback data of menu features (history pages, profile edits and pages, settings, my data).
const menuCallback = /^(history|edit|profile|language|settings|data):/;

/** In an edit started from the menu, using the menu or a command means "never mind". */
export function leavesEdit(deps: StepDeps, way: Escape) {
  if (way !== "cancel") return undefined;
  return (c: StepContext): boolean => {
    const text = c.message?.text;
    if (text !== undefined) return deps.menuLabels.has(text) || text.startsWith("/");
    return menuCallback.test(c.callbackQuery?.data ?? "");
  };
}

/** Answers a callback query that this step does not expect; returns true if it was one. */
export async function ignoreStaleButton(c: StepContext): Promise<boolean> {
  if (!c.callbackQuery) return false;
  await answerCallback(c);
  return true;
}

/**
 * `collect` for a question that may be skipped or cancelled: its Skip/Cancel button ends it
 * with SKIPPED, and in a menu-started edit the menu or a command leaves it.
 */
function collectAnswer<T>(
  conversation: StepConversation,
  deps: StepDeps,
  way: Escape,
  handle: (c: StepContext) => Promise<T | undefined>,
): Promise<T | Skipped> {
  return collect<T | Skipped>(
    conversation,
    async (c) => {
      if (isEscape(c, way)) {
        await closeButtons(c);
        return SKIPPED;
      }
      return handle(c);
    },
    leavesEdit(deps, way),
  );
}

/** The text of a message, if it parses; otherwise the person gets the specific hint. */
async function parsedText<T>(
  c: StepContext,
  parse: (text: string) => Parsed<T, string>,
): Promise<T | undefined> {
  const text = c.message?.text;
  if (text === undefined) {
    await c.reply(c.t("text-expected"));
    return undefined;
  }
  const parsed = parse(text);
  if (!parsed.ok) {
    await c.reply(c.t(`invalid-${parsed.reason}`));
    return undefined;
  }
  return parsed.value;
}

/**
 * Saves one answer; inside `external`, so a replay does not write it again. Returns nothing:
 * whatever `external` returns is kept in the conversation state.
 */
async function saveProfile(
  conversation: StepConversation,
  deps: StepDeps,
  customerId: string,
  change: ProfileChange,
): Promise<void> {
  await conversation.external(async () => {
    await updateProfile(deps.sql, { customerId, change });
  });
}

/** A question answered only with one of two inline buttons; anything else gets a hint. */
export async function askYesNo(
  conversation: StepConversation,
  ctx: StepContext,
  options: { text: string; keyboard: InlineKeyboard; yes: string; no: string },
): Promise<boolean> {
  const question = await ctx.reply(options.text, { reply_markup: options.keyboard });
  return collect(conversation, async (c) => {
    const data = c.callbackQuery?.data;
    if (data === options.yes || data === options.no) {
      await closeButtons(c);
      return data === options.yes;
    }
    if (await ignoreStaleButton(c)) return undefined;
    await c.reply(c.t("press-button-hint"), {
      reply_parameters: { message_id: question.message_id },
    });
    return undefined;
  });
}

export async function askName(
  conversation: StepConversation,
  ctx: StepContext,
  deps: StepDeps,
  options: { customerId: string; suggested: string | undefined; escape: Escape },
): Promise<string | null> {
  const suggestion = options.suggested ? parseName(options.suggested) : undefined;
  const keyboard = suggestion?.ok
    ? keepNameKeyboard(ctx.t, suggestion.value)
    : escapeKeyboard(ctx, options.escape);
  if (suggestion?.ok && options.escape === "cancel")
    keyboard?.row().text(ctx.t("btn-cancel"), cb.cancel);
  await ctx.reply(ctx.t("onboarding-name"), keyboard ? { reply_markup: keyboard } : {});

  const answer = await collectAnswer(conversation, deps, options.escape, async (c) => {
    if (c.callbackQuery?.data === cb.nameKeep && suggestion?.ok) {
      await closeButtons(c);
      return suggestion.value;
    }
    if (await ignoreStaleButton(c)) return undefined;
    return parsedText(c, parseName);
  });
  if (answer === SKIPPED) return null;
  await saveProfile(conversation, deps, options.customerId, { field: "name", value: answer });
  return answer;
}

/** Why a number was not attached, as the hint the person gets before trying again. */
const phoneRefusals = {
  taken: "onboarding-phone-taken",
  needs_staff: "onboarding-phone-needs-staff",
  needs_verification: "onboarding-phone-needs-verification",
} as const;

/** The customer a phone was saved on (another one after a merge) and what they have answered. */
export type PhoneSaved = { customerId: string; state: OnboardingState };

type PhoneOutcome =
  | { kind: "saved" | "merged"; state: OnboardingState }
  | { kind: keyof typeof phoneRefusals };

export async function askPhone(
  conversation: StepConversation,
  ctx: StepContext,
  deps: StepDeps,
  options: { customerId: string; escape: Escape },
): Promise<PhoneSaved | null> {
  const canLeave = options.escape !== "none";
  const leaveLabel = options.escape === "cancel" ? ctx.t("btn-cancel") : ctx.t("btn-skip");
  const keyboard = sharePhoneKeyboard(ctx.t, false);
  if (canLeave) keyboard.row().text(leaveLabel);
  await ctx.reply(
    ctx.t(options.escape === "skip" ? "onboarding-phone-optional" : "onboarding-phone"),
    {
      reply_markup: keyboard,
    },
  );

  for (;;) {
    const input = await collect<{ raw: string; verified: boolean } | Skipped>(
      conversation,
      async (c) => {
        if (await ignoreStaleButton(c)) return undefined;
        const contact = c.message?.contact;
        if (contact) {
          // Telegram's button sends the sender's own contact with their user_id; a forwarded or
          // picked contact of someone else has another id (or none).
          if (contact.user_id !== c.from?.id) {
            await c.reply(c.t("onboarding-phone-foreign-contact"));
            return undefined;
          }
          return { raw: contact.phone_number, verified: true };
        }
        const text = c.message?.text;
        if (text === undefined) {
          await c.reply(c.t("onboarding-phone-input-hint"));
          return undefined;
        }
        if (canLeave && text === leaveLabel) return SKIPPED;
        return { raw: text, verified: false };
      },
      leavesEdit(deps, options.escape),
    );
    if (input === SKIPPED) {
      await ctx.reply(
        ctx.t(options.escape === "cancel" ? "profile-edit-cancelled" : "onboarding-phone-skipped"),
        {
          reply_markup: { remove_keyboard: true },
        },
      );
      return null;
    }
    const parsed = parsePhone(input.raw, deps.config.onboarding.phoneDefaultRegion);
    if (!parsed.ok) {
      await ctx.reply(ctx.t(`invalid-${parsed.reason}`));
      continue;
    }
    const result = await conversation.external(async (): Promise<PhoneOutcome> => {
      const attached = await attachPhone(deps.sql, {
        customerId: options.customerId,
        phone: parsed.value.e164,
        verified: input.verified,
      });
      // Plain JSON for the conversation state: the merged record may have brought answers.
      return attached.kind === "saved" || attached.kind === "merged"
        ? { kind: attached.kind, state: onboardingState(attached.customer) }
        : attached;
    });
    if (result.kind !== "saved" && result.kind !== "merged") {
      await ctx.reply(ctx.t(phoneRefusals[result.kind]));
      continue;
    }
    await ctx.reply(
      ctx.t(result.kind === "merged" ? "onboarding-phone-merged" : "onboarding-phone-saved"),
      {
        reply_markup: { remove_keyboard: true },
      },
    );
    return { customerId: result.state.customerId, state: result.state };
  }
}
