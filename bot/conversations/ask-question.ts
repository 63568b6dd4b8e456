import type { OutboxButton } from "../../core/outbox/message.ts";
import {
  type AnswerRefusal,
  parseButtonAnswer,
  parseTypedAnswer,
} from "../../core/questions/answer-value.ts";
import { newQuestionToken, readOpenQuestion } from "../../core/questions/open-question.ts";
import {
  QuestionAction,
  questionCallbackPattern,
  questionPayload,
} from "../../core/questions/question-message.ts";
import { type AnswerSource, saveAnswer } from "../../core/questions/save-answer.ts";
import { type AnswerValue, buttonTypes, type Question } from "../../core/questions/types.ts";
import { cb } from "../callback-data.ts";
import { answerCallback, bestEffort } from "../cosmetic.ts";
import { type RenderedMessage, renderPayload } from "../views/outbox-payload.ts";
import {
  closeButtons,
  collect,
  type Escape,
  ignoreStaleButton,
  isEscape,
  leavesEdit,
  type StepContext,
  type StepConversation,
  type StepDeps,
} from "./steps.ts";

/**
 * One question of the bank asked inside a conversation (onboarding's optional questions, an
 * edit from "My profile"): the same message as a progressive question (question-message.ts),
 * answered by typing or with its buttons, validated by type with a specific hint, and saved
 * with its history (save-answer.ts).
 *
 * The conversation holds the question itself, so Customer.openQuestion stays untouched: a
 * progressive question open meanwhile is still answerable afterwards. Each ask draws a fresh
 * token (through `external`, so a replay keeps it): a button left on an older message of the
 * same kind cannot answer this one.
 */
export type AskQuestionOptions = {
  customerId: string;
  question: Question;
  /** "none" when the question is required. */
  escape: Escape;
  source: AnswerSource;
};

type Outcome = { kind: "answer"; value: AnswerValue } | { kind: "escaped" };

function escapeButton(way: Escape): OutboxButton | null {
  if (way === "skip") return { template: "btn-skip", data: cb.skip };
  if (way === "cancel") return { template: "btn-cancel", data: cb.cancel };
  return null;
}

function render(
  c: StepContext,
  language: string,
  question: Question,
  token: string,
  way: Escape,
  picked: number,
): RenderedMessage {
  // Skip and Cancel are the conversation's own buttons (step:skip, step:cancel), not the
  // progressive question's "Skip" that counts towards "never ask again".
  const payload = questionPayload({ ...question, required: true }, token, { later: false, picked });
  const escapeRow = escapeButton(way);
  if (escapeRow) payload.buttons = [...(payload.buttons ?? []), [escapeRow]];
  return renderPayload(payload, (key, vars) => c.t(key, vars), language);
}

async function hint(c: StepContext, refusal: AnswerRefusal): Promise<void> {
  await c.reply(c.t(`invalid-${refusal.reason}`, refusal.vars));
}

/**
 * "answered" (saved), "escaped" (skipped or cancelled), or "gone": the owner changed or removed
 * the question while it waited, and the person has been told.
 */
export type AskResult = "answered" | "escaped" | "gone";

/** Asks `question` until it is answered, skipped or cancelled. */
export async function askBankQuestion(
  conversation: StepConversation,
  ctx: StepContext,
  deps: StepDeps,
  options: AskQuestionOptions,
): Promise<AskResult> {
  const { question, escape: way } = options;
  const token = await conversation.external(() => newQuestionToken());
  // The customer's language as negotiated outside (adoptLocale): the owner's words follow it.
  const language = await conversation.external((outside) => outside.i18n.getLocale());
  const first = render(ctx, language, question, token, way, 0);
  await ctx.reply(first.text, first.reply_markup ? { reply_markup: first.reply_markup } : {});

  const leaveMenu = leavesEdit(deps, way);
  // In an edit, a button of another question (a progressive one) also means "never mind".
  const leave =
    leaveMenu &&
    ((c: StepContext) => {
      const match = questionCallbackPattern.exec(c.callbackQuery?.data ?? "");
      return leaveMenu(c) || (match !== null && match[1] !== token);
    });

  const outcome = await collect<Outcome>(
    conversation,
    async (c) => {
      if (isEscape(c, way)) {
        await closeButtons(c);
        return { kind: "escaped" };
      }
      const data = c.callbackQuery?.data;
      if (data !== undefined) {
        const match = questionCallbackPattern.exec(data);
        if (!match || match[1] !== token) {
          await ignoreStaleButton(c);
          return undefined;
        }
        const [, , action, raw = ""] = match;
        if (action === QuestionAction.toggle) {
          await answerCallback(c);
          const picked = Number.parseInt(raw, 36);
          const { reply_markup } = render(c, language, question, token, way, picked);
          await bestEffort(() => c.editMessageReplyMarkup(reply_markup ? { reply_markup } : {}));
          return undefined;
        }
        const parsed = parseButtonAnswer(question, raw);
        if (!parsed.ok) {
          await answerCallback(c);
          await hint(c, parsed);
          return undefined;
        }
        await closeButtons(c);
        return { kind: "answer", value: parsed.value };
      }
      const text = c.message?.text;
      if (text === undefined) {
        await c.reply(c.t(buttonTypes.has(question.type) ? "press-button-hint" : "text-expected"));
        return undefined;
      }
      const now = new Date(await conversation.now());
      const parsed = parseTypedAnswer(question, text, {
        now,
        phoneDefaultRegion: deps.config.onboarding.phoneDefaultRegion,
      });
      if (!parsed.ok) {
        await hint(c, parsed);
        return undefined;
      }
      return { kind: "answer", value: parsed.value };
    },
    leave,
  );
  if (outcome.kind === "escaped") return "escaped";

  const saved = await conversation.external(async (outside) => {
    // The owner may have changed or removed the question while it waited for the answer.
    const current = await deps.questions.byId(question.id);
    if (!current?.active || current.version !== question.version) return false;
    // The same question left open by the progressive job is answered now.
    const open = readOpenQuestion(outside.customer?.openQuestion);
    const customer = await saveAnswer(deps.sql, {
      customerId: options.customerId,
      question,
      value: outcome.value,
      source: options.source,
      consentVersion: deps.config.onboarding.consentVersion,
      ...(open?.kind === "question" && open.key === question.key ? { openQuestion: null } : {}),
    });
    if (outside.customer?.id === customer.id) outside.customer = customer;
    return true;
  });
  if (saved) return "answered";
  await ctx.reply(ctx.t("ask-question-changed"));
  return "gone";
}
