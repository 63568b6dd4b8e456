import type { Customer } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { updateCustomer } from "../db/tables/customers.ts";
import { lockOpenQuestion } from "../db/tables/open-questions.ts";
import { selectQuestionById } from "../db/tables/questions.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import {
  askedQuestion,
  finishSurvey,
  type NextStep,
  planSurvey,
  type SurveyRewardSettings,
} from "../surveys/run-survey.ts";
import { type OpenQuestion, readOpenQuestion } from "./open-question.ts";
import { AnswerSource, saveAnswer } from "./save-answer.ts";
import { readSkips, withSkip } from "./skips.ts";
import { isStandardField, standardFields } from "./standard-fields.ts";
import type { AnswerValue, Question } from "./types.ts";

/**
 * The customer's answer to their open question (Customer.openQuestion of kind "question"), or
 * their "Skip" / "Later", whichever way it came (a button, a typed answer). Each runs in one
 * transaction that first reads the open question again, locked: a button of an older question
 * (its token replaced) is "stale", a double tap finds the token already gone, and a question
 * the owner removed ("gone") or changed ("changed") meanwhile is caught even when the bank
 * cached in the process does not know yet. Inside a survey the next question is opened by the
 * same statement that saves the answer, or the survey is finished.
 */

type OpenBankQuestion = Extract<OpenQuestion, { kind: "question" }>;

export type OpenQuestionOutcome =
  /** Not the customer's open question (any more): nothing was done. */
  | { kind: "stale" }
  /** The owner removed the question: the open question was cleared (in a survey: the next). */
  | { kind: "gone"; customer: Customer; next: NextStep }
  /** The owner changed it since it was asked: `next` asks the current version. */
  | { kind: "changed"; customer: Customer; next: NextStep }
  | { kind: "answered"; customer: Customer; next: NextStep }
  | { kind: "skipped"; customer: Customer; next: NextStep };

type Common = {
  customer: Customer;
  /** The token the answer came with (a button's, or the open question's for typed text). */
  token: string;
  /** For a survey finished by this step. */
  settings: SurveyRewardSettings;
  now?: Date;
};

/** The open question behind `token`, locked, with the bank question's state now. */
async function lockOpen(tx: Sql, customer: Customer, token: string) {
  const loaded = readOpenQuestion(customer.openQuestion);
  // Most stale buttons are recognised without a statement.
  if (loaded?.kind !== "question" || loaded.token !== token) return null;
  const locked = await lockOpenQuestion(tx, {
    customerId: customer.id,
    questionId: loaded.questionId,
  });
  const open = readOpenQuestion(locked?.customer.openQuestion);
  if (!locked || open?.kind !== "question" || open.token !== token) return null;
  return { open, customer: locked.customer, question: locked.question };
}

/** The customer as they will be once the answer is saved, for the next question's condition. */
function withAnswer(
  customer: Customer,
  key: string,
  value: AnswerValue,
  now: Date,
  consentVersion: string,
): Customer {
  if (isStandardField(key))
    return { ...customer, ...standardFields[key].patch(value, now, consentVersion) } as Customer;
  const attributes = (customer.attributes as Record<string, unknown> | null) ?? {};
  return { ...customer, attributes: { ...attributes, [key]: value } } as Customer;
}

/**
 * What follows in the survey of `open` (nothing for a progressive question): the next
 * question, or the survey finished now.
 */
async function surveyStep(
  tx: Sql,
  open: OpenBankQuestion,
  customer: Customer,
  options: { alsoDone?: string; settings: SurveyRewardSettings; now: Date },
): Promise<{ next: NextStep; finish?: () => Promise<NextStep> }> {
  if (!open.surveyId) return { next: { kind: "none" } };
  const plan = await planSurvey(tx, {
    surveyId: open.surveyId,
    customer,
    ...(options.alsoDone ? { alsoDone: options.alsoDone } : {}),
    now: options.now,
  });
  if (plan.kind === "ask") return { next: { kind: "ask", asked: plan.asked } };
  if (plan.kind === "over") return { next: { kind: "none" } };
  return {
    next: { kind: "none" },
    finish: async () => {
      const { points } = await finishSurvey(tx, {
        customerId: customer.id,
        survey: plan.survey,
        settings: options.settings,
        now: options.now,
      });
      return { kind: "finished", survey: plan.survey, points };
    },
  };
}

function openAfter(next: NextStep): OpenBankQuestion | null {
  return next.kind === "ask" ? next.asked.openQuestion : null;
}

async function saveOpen(
  tx: Sql,
  customer: Customer,
  openQuestion: OpenBankQuestion | null,
  now: Date,
): Promise<Customer> {
  const saved = await updateCustomer(tx, customer.id, { openQuestion }, { at: now });
  if (!saved) throw new AppError("not_found", "Customer not found");
  return saved;
}

/** The owner removed or changed the question while it was open. */
async function questionMoved(
  tx: Sql,
  open: OpenBankQuestion,
  customer: Customer,
  options: { settings: SurveyRewardSettings; now: Date },
  state: "gone" | "changed",
): Promise<OpenQuestionOutcome> {
  const { now } = options;
  let step = await surveyStep(tx, open, customer, options);
  if (state === "changed" && !open.surveyId) {
    // The survey's plan already asks the current version; a progressive one is asked again.
    const current = await selectQuestionById(tx, open.questionId);
    if (current) step = { next: { kind: "ask", asked: askedQuestion(current, null, now, null) } };
  }
  const saved = await saveOpen(tx, customer, openAfter(step.next), now);
  const next = step.finish ? await step.finish() : step.next;
  return { kind: state, customer: saved, next };
}

export type AnswerOpenQuestionOptions = Common & {
  /**
   * The bank's question and the value parsed against it (answer-value.ts); null when the
   * caller's bank no longer has the question or has another version: the customer is then
   * told it is gone or asked the current version.
   */
  answer: { question: Question; value: AnswerValue } | null;
  /** Stored with a health consent answer. */
  consentVersion: string;
};

export async function answerOpenQuestion(
  sql: Sql,
  options: AnswerOpenQuestionOptions,
): Promise<OpenQuestionOutcome> {
  const now = options.now ?? new Date();
  return sql.transaction(async (tx) => {
    const locked = await lockOpen(tx, options.customer, options.token);
    if (!locked) return { kind: "stale" };
    const { open, customer } = locked;
    const context = { settings: options.settings, now };
    if (!locked.question?.active) return questionMoved(tx, open, customer, context, "gone");
    // The value was parsed against the caller's copy: it must be the version that was asked.
    const { answer } = options;
    if (
      !answer ||
      answer.question.id !== open.questionId ||
      answer.question.version !== open.version ||
      locked.question.version !== open.version
    )
      return questionMoved(tx, open, customer, context, "changed");
    const { question, value } = answer;

    const step = await surveyStep(
      tx,
      open,
      withAnswer(customer, question.key, value, now, options.consentVersion),
      { alsoDone: question.id, ...context },
    );
    const saved = await saveAnswer(tx, {
      customerId: customer.id,
      question,
      value,
      source: open.surveyId ? AnswerSource.survey : AnswerSource.progressive,
      surveyId: open.surveyId,
      openQuestion: openAfter(step.next),
      consentVersion: options.consentVersion,
      now,
    });
    const next = step.finish ? await step.finish() : step.next;
    return { kind: "answered", customer: saved, next };
  });
}

export type SkipOpenQuestionOptions = Common & {
  action: "skip" | "later";
  /** Whether the question may be skipped at all (Question.required = false). */
  required: boolean;
  /** "Later" puts the question off this many days (settings.questions.laterDays). */
  laterDays: number;
};

/**
 * "Skip" (counts towards never asking again, core/questions/skips.ts) or "Later" (asked again
 * after laterDays): the open question is cleared, or in a survey the next one opened, with a
 * "question.skipped" event — one statement. A required question cannot be skipped and "Later"
 * is not offered in a survey (the customer can stop and come back): both are refused as
 * stale, as such a button was never shown.
 */
export async function skipOpenQuestion(
  sql: Sql,
  options: SkipOpenQuestionOptions,
): Promise<OpenQuestionOutcome> {
  const now = options.now ?? new Date();
  return sql.transaction(async (tx) => {
    const locked = await lockOpen(tx, options.customer, options.token);
    if (!locked) return { kind: "stale" };
    const { open, customer } = locked;
    if (options.required || (options.action === "later" && open.surveyId)) return { kind: "stale" };
    const skips = withSkip(
      readSkips(customer.questionSkips),
      open.key,
      options.action === "skip"
        ? { kind: "skip" }
        : { kind: "later", until: new Date(now.getTime() + options.laterDays * 86_400_000) },
    );
    const step = await surveyStep(tx, open, customer, {
      alsoDone: open.questionId,
      settings: options.settings,
      now,
    });
    const saved = await updateCustomer(
      tx,
      customer.id,
      { questionSkips: skips, openQuestion: openAfter(step.next) },
      {
        at: now,
        event: {
          type: EventType.questionSkipped,
          data: {
            key: open.key,
            action: options.action,
            // The survey's progress counts a skipped question as passed (survey-runs.ts).
            questionId: open.questionId,
            ...(open.surveyId ? { surveyId: open.surveyId } : {}),
          },
        },
      },
    );
    if (!saved) throw new AppError("not_found", "Customer not found");
    const next = step.finish ? await step.finish() : step.next;
    return { kind: "skipped", customer: saved, next };
  });
}
