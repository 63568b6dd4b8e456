import { rememberCardQrPhoto } from "../../core/loyalty/card-qr.ts";
import { cardSummary } from "../../core/loyalty/card-summary.ts";
import { completeOnboarding } from "../../core/onboarding/complete-onboarding.ts";
import {
  declineDataConsent,
  giveDataConsent,
  setMarketingConsent,
} from "../../core/onboarding/consent.ts";
import { onboardingState } from "../../core/onboarding/onboarding-state.ts";
import { mayBeAsked } from "../../core/questions/eligibility.ts";
import type { Question } from "../../core/questions/types.ts";
import { cb } from "../callback-data.ts";
import { mainMenuKeyboard } from "../keyboards/main-menu.ts";
import { consentKeyboard, marketingKeyboard } from "../keyboards/onboarding.ts";
import { telegramIdentity } from "../telegram-identity.ts";
import { sendCard } from "../views/card.ts";
import { askBankQuestion } from "./ask-question.ts";
import { adoptLocale } from "./locale.ts";
import {
  askName,
  askPhone,
  askYesNo,
  type StepContext,
  type StepConversation,
  type StepDeps,
} from "./steps.ts";

export const ONBOARDING = "onboarding";

/**
 * Onboarding: consent → offers opt-in → name → phone → up to two quick questions of the bank
 * (ONBOARDING_QUESTIONS) → card.
 *
 * Every answer is saved the moment it is given, and the conversation starts by reading what is
 * already known, so /start in the middle, a restart of the bot, or a conversation that expired
 * all resume at the first unanswered question instead of starting over.
 */
export function createOnboarding(deps: StepDeps) {
  const { sql, config } = deps;
  const warned = new Set<string>();

  /** The bank's question for a configured key, if it is there and switched on. */
  async function optionalQuestion(key: string): Promise<Question | null> {
    const question = await deps.questions.byKey(key);
    if (question?.active) return question;
    if (!warned.has(key)) {
      // A typo in ONBOARDING_QUESTIONS or a question the owner switched off: onboarding goes on
      // without it, and the log says so once per process.
      warned.add(key);
      deps.logger.warn(
        { key },
        "ONBOARDING_QUESTIONS names a question that is not in the bank or not active",
      );
    }
    return null;
  }

  return async function onboarding(
    conversation: StepConversation,
    ctx: StepContext,
  ): Promise<void> {
    const from = ctx.from;
    if (!from) return;
    await adoptLocale(conversation, ctx);
    // The customer as this update loaded them: no query of its own.
    const state = await conversation.external((outside) =>
      outside.customer ? onboardingState(outside.customer) : null,
    );
    if (!state || state.status === "ACTIVE" || state.status === "DELETED") return;
    let customerId = state.customerId;
    let answered = state.answered;

    if (!state.consentGiven) {
      const agreed = await askYesNo(conversation, ctx, {
        text: ctx.t("onboarding-consent"),
        keyboard: consentKeyboard(ctx.t, config.onboarding.privacyPolicyUrl),
        yes: cb.consentYes,
        no: cb.consentNo,
      });
      if (!agreed) {
        await conversation.external(async () => {
          await declineDataConsent(sql, { customerId, version: config.onboarding.consentVersion });
        });
        await ctx.reply(ctx.t("onboarding-declined"), { reply_markup: { remove_keyboard: true } });
        return;
      }
      await conversation.external(async () => {
        await giveDataConsent(sql, {
          customerId,
          version: config.onboarding.consentVersion,
          identity: telegramIdentity(from),
        });
      });
    }

    if (!state.marketingAnswered) {
      const granted = await askYesNo(conversation, ctx, {
        text: ctx.t("onboarding-marketing"),
        keyboard: marketingKeyboard(ctx.t),
        yes: cb.marketingYes,
        no: cb.marketingNo,
      });
      await conversation.external(async () => {
        await setMarketingConsent(sql, {
          customerId,
          granted,
          version: config.onboarding.consentVersion,
        });
      });
    }

    if (!state.name) {
      await askName(conversation, ctx, deps, {
        customerId,
        suggested: from.first_name,
        escape: "none",
      });
    }

    if (!state.phone) {
      const phone = await askPhone(conversation, ctx, deps, {
        customerId,
        escape: config.onboarding.phoneRequired ? "none" : "skip",
      });
      // A merge by phone may have brought answers from the existing record.
      if (phone) {
        customerId = phone.customerId;
        answered = phone.state.answered;
      }
    }

    for (const key of config.onboarding.questions) {
      if (answered.includes(key)) continue;
      const question = await conversation.external(async (outside) => {
        const found = await optionalQuestion(key);
        // A health question waits for its consent, a conditional one for its condition (which
        // may be the previous answer: the customer here is as that answer saved them).
        return found && outside.customer && !mayBeAsked(outside.customer, found) ? null : found;
      });
      if (!question) continue;
      await askBankQuestion(conversation, ctx, deps, {
        customerId,
        question,
        escape: question.required ? "none" : "skip",
        source: "onboarding",
      });
    }

    // The referrer's bonus message was queued with the bonus (the outbox sends it).
    const result = await conversation.external(async () => {
      const settings = await deps.loyalty.get();
      const done = await completeOnboarding(sql, {
        customerId,
        welcomeBonus: settings.welcomeBonus,
        referralBonus: settings.referralBonus,
      });
      // Plain JSON: the result is kept in the conversation state.
      return {
        welcomeCredited: done.welcomeCredited,
        card: cardSummary(settings, done.customer, done.card),
      };
    });

    await ctx.reply(ctx.t("onboarding-card-ready"), { reply_markup: mainMenuKeyboard(ctx.t) });
    const uploaded = await sendCard(ctx, result.card);
    if (uploaded) {
      await conversation.external(async () => {
        await rememberCardQrPhoto(sql, { cardId: result.card.cardId, ...uploaded });
      });
    }
    if (result.welcomeCredited > 0) {
      await ctx.reply(ctx.t("onboarding-welcome-bonus", { count: result.welcomeCredited }));
    }
  };
}
