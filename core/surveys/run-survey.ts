import { systemActor } from "../access/system-actor.ts";
import type { Customer } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { updateCustomer } from "../db/tables/customers.ts";
import {
  finishSurveyRun,
  type SurveyRef,
  selectAvailableSurveys,
  selectSurveyById,
  selectSurveyBySlug,
  selectSurveyProgress,
  selectSurveyQuestions,
  upsertSurveyRun,
} from "../db/tables/survey-runs.ts";
import { AppError } from "../errors.ts";
import { recordCustomEvent } from "../loyalty/custom-event.ts";
import type { LoyaltySettings } from "../loyalty/settings.ts";
import { mayBeAsked } from "../questions/eligibility.ts";
import {
  newQuestionToken,
  type OpenQuestion,
  readOpenQuestion,
} from "../questions/open-question.ts";
import { currentAnswer, isStandardField } from "../questions/standard-fields.ts";
import type { Question } from "../questions/types.ts";

/**
 * Taking a survey: started or resumed from a deep link or the "Questions for you" menu, one
 * question open at a time (Customer.openQuestion with the survey's id), finished once with the
 * survey's bonus.
 *
 * What is asked, in the survey's order: active questions whose condition holds for the
 * customer (health questions only after the health consent), not yet answered or skipped in
 * this run. A standard profile field the customer had already given before (the birthday, the
 * city…) is not asked again: it is a fact about them, changed in "My profile". A survey's own
 * questions (custom keys) are asked in every run, so the survey's results hold everyone's
 * answer. A question skipped in a survey counts as passed for the run (see survey-runs.ts).
 *
 * A finished survey is not taken again: it pays once and the customer already answered it.
 */

export type SurveyProgress = { position: number; total: number };

/** A question put to the customer: the open question to store and how to show it. */
export type AskedQuestion = {
  question: Question;
  openQuestion: Extract<OpenQuestion, { kind: "question" }>;
  /** "2/5" within a survey; null for a progressive question. */
  progress: SurveyProgress | null;
};

/** What follows an answer or a skip. */
export type NextStep =
  | { kind: "ask"; asked: AskedQuestion }
  | { kind: "finished"; survey: SurveyRef; points: number }
  | { kind: "none" };

export type SurveyRewardSettings = Pick<LoyaltySettings, "eventBonuses">;

export function askedQuestion(
  question: Question,
  surveyId: string | null,
  now: Date,
  progress: SurveyProgress | null,
): AskedQuestion {
  return {
    question,
    openQuestion: {
      kind: "question",
      token: newQuestionToken(),
      questionId: question.id,
      key: question.key,
      version: question.version,
      surveyId,
      askedAt: now.toISOString(),
    },
    progress,
  };
}

/** The next question of the survey for the customer as they are, or null when none is left. */
export function nextSurveyQuestion(
  questions: readonly Question[],
  done: ReadonlySet<string>,
  customer: Customer,
): { question: Question; progress: SurveyProgress } | null {
  const askable = questions.filter(
    (q) =>
      mayBeAsked(customer, q) &&
      (done.has(q.id) || !(isStandardField(q.key) && currentAnswer(customer, q.key) !== undefined)),
  );
  const next = askable.find((q) => !done.has(q.id));
  if (!next) return null;
  const position = askable.filter((q) => done.has(q.id)).length + 1;
  return { question: next, progress: { position, total: askable.length } };
}

/**
 * Where the customer's run stands: the next question to open, or "done" (nothing left: finish
 * it), or "over" (the owner switched the survey off meanwhile: nothing more is asked, nothing
 * paid). `alsoDone` is the question being answered or skipped in the same transaction, and
 * `customer` the customer with that answer already applied.
 */
export async function planSurvey(
  sql: Sql,
  options: { surveyId: string; customer: Customer; alsoDone?: string; now: Date },
): Promise<
  | { kind: "ask"; survey: SurveyRef; asked: AskedQuestion }
  | { kind: "done"; survey: SurveyRef }
  | { kind: "over" }
> {
  const survey = await selectSurveyById(sql, options.surveyId);
  if (!survey?.active) return { kind: "over" };
  const questions = await selectSurveyQuestions(sql, survey.id);
  const progress = await selectSurveyProgress(sql, {
    surveyId: survey.id,
    customerId: options.customer.id,
  });
  if (!progress || progress.finishedAt) return { kind: "over" };
  const done = new Set(progress.done);
  if (options.alsoDone) done.add(options.alsoDone);
  const next = nextSurveyQuestion(questions, done, options.customer);
  if (!next) return { kind: "done", survey };
  return {
    kind: "ask",
    survey,
    asked: askedQuestion(next.question, survey.id, options.now, next.progress),
  };
}

/**
 * Marks the run finished and, the first time only, credits the survey's bonus (its custom
 * event, from the loyalty settings' eventBonuses) with "survey.finished" on the timeline.
 * Running it again (a retry, two processes) credits nothing: the run is finished once, and the
 * custom event is keyed by the survey as well. Returns the points credited now.
 */
export async function finishSurvey(
  sql: Sql,
  options: {
    customerId: string;
    survey: SurveyRef;
    settings: SurveyRewardSettings;
    now: Date;
  },
): Promise<{ finishedNow: boolean; points: number }> {
  const { survey, customerId, now } = options;
  return sql.transaction(async (tx) => {
    const finishedNow = await finishSurveyRun(tx, { survey, customerId, at: now });
    const type = survey.eventType;
    // A type the owner has no bonus for (renamed, removed) leaves the survey unpaid, not broken.
    if (!finishedNow || !type || !Object.hasOwn(options.settings.eventBonuses, type))
      return { finishedNow, points: 0 };
    try {
      const credited = await recordCustomEvent(tx, {
        actor: systemActor("survey"),
        customerId,
        type,
        note: `survey ${survey.slug}`,
        idempotencyKey: `survey:${survey.id}`,
        settings: options.settings,
        now,
      });
      return { finishedNow, points: credited.duplicate ? 0 : credited.points };
    } catch (error) {
      // No active card (blocked by staff): the answers still count, the bonus cannot be paid.
      if (error instanceof AppError && error.code === "conflict") return { finishedNow, points: 0 };
      throw error;
    }
  });
}

export type StartSurveyResult =
  /** No such survey, switched off, or without a question to ask. */
  | { kind: "unknown" }
  /** The customer finished it before. */
  | { kind: "finished_before"; survey: SurveyRef }
  | { kind: "ask"; survey: SurveyRef; customer: Customer; asked: AskedQuestion }
  /** Nothing was left to ask (all known already): finished now. */
  | { kind: "finished"; survey: SurveyRef; customer: Customer; points: number };

/**
 * Starts the survey `slug` for the customer, or resumes it where they stopped: its next
 * question becomes the open one (a new token, so buttons of an earlier message of it are
 * stale). The caller sends it.
 */
export async function startSurvey(
  sql: Sql,
  options: {
    customer: Customer;
    slug: string;
    settings: SurveyRewardSettings;
    now?: Date;
  },
): Promise<StartSurveyResult> {
  const now = options.now ?? new Date();
  const { customer } = options;
  return sql.transaction(async (tx) => {
    const survey = await selectSurveyBySlug(tx, options.slug);
    if (!survey?.active) return { kind: "unknown" };
    const questions = await selectSurveyQuestions(tx, survey.id);
    if (!questions.some((q) => q.active)) return { kind: "unknown" };
    const run = await upsertSurveyRun(tx, { survey, customerId: customer.id, at: now });
    if (run.finishedAt) return { kind: "finished_before", survey };
    const progress = await selectSurveyProgress(tx, {
      surveyId: survey.id,
      customerId: customer.id,
    });
    const next = nextSurveyQuestion(questions, new Set(progress?.done ?? []), customer);
    if (next) {
      const asked = askedQuestion(next.question, survey.id, now, next.progress);
      const saved = await updateCustomer(
        tx,
        customer.id,
        { openQuestion: asked.openQuestion },
        { at: now },
      );
      return { kind: "ask", survey, customer: saved ?? customer, asked };
    }
    const { points } = await finishSurvey(tx, {
      customerId: customer.id,
      survey,
      settings: options.settings,
      now,
    });
    const open = readOpenQuestion(customer.openQuestion);
    const saved =
      open?.kind === "question" && open.surveyId === survey.id
        ? await updateCustomer(tx, customer.id, { openQuestion: null }, { at: now })
        : null;
    return { kind: "finished", survey, customer: saved ?? customer, points };
  });
}

/** "Questions for you": the surveys the customer can take now. */
export function listAvailableSurveys(
  sql: Sql,
  customerId: string,
): Promise<Array<Pick<SurveyRef, "id" | "slug" | "title">>> {
  return selectAvailableSurveys(sql, customerId);
}
