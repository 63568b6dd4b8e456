import { waitForJobLock } from "../db/job-lock.ts";
import type { Sql } from "../db/sql.ts";
import {
  askCustomers,
  type QuestionToAsk,
  selectCustomersToAsk,
} from "../db/tables/question-asking.ts";
import type { LoyaltySettings } from "../loyalty/settings.ts";
import { addDays, isoDate, localDateOf, startOfLocalDay } from "../scheduling/calendar.ts";
import { withinAllowedHours } from "./allowed-hours.ts";
import { nextQuestion } from "./next-question.ts";
import { newQuestionToken, type OpenQuestion } from "./open-question.ts";
import { questionPayload } from "./question-message.ts";
import type { Question } from "./types.ts";

const HOUR_MS = 60 * 60 * 1000;
/** A survey in progress or a rating asked this recently is left alone. */
const OPEN_QUESTION_GRACE_MS = 24 * HOUR_MS;
const JOB = "questions:progressive";

export type AskProgressiveResult = { asked: number; nothingToAsk: number };

/**
 * The progressive profiling job: each customer who may be asked gets the next most valuable
 * question of the bank (next-question.ts) through the outbox, at most one every
 * `intervalDays` calendar days (in the business's time zone), and only within the allowed
 * hours. Batches hold the job's lock and customers are marked with a conditional UPDATE, so
 * two runs at once (two processes, or an admin's run-now during the scheduled one) ask nobody
 * twice; a batch's marks, open questions and messages are one statement.
 */
export async function askProgressiveQuestions(
  sql: Sql,
  options: {
    /** The bank (active questions are enough). */
    questions: readonly Question[];
    settings: Pick<LoyaltySettings, "questions">;
    timeZone: string;
    now: Date;
    batchSize?: number;
  },
): Promise<AskProgressiveResult> {
  const result: AskProgressiveResult = { asked: 0, nothingToAsk: 0 };
  const { now, timeZone } = options;
  const pace = options.settings.questions;
  if (!withinAllowedHours(pace.allowedHours, now, timeZone)) return result;
  if (!options.questions.some((q) => q.active && q.progressive)) return result;

  const today = localDateOf(now, timeZone);
  // Asked on day D means asked again from day D + intervalDays, whatever the hour.
  const askedBefore = startOfLocalDay(addDays(today, 1 - pace.intervalDays), timeZone);
  const openBefore = new Date(now.getTime() - OPEN_QUESTION_GRACE_MS);
  const size = options.batchSize ?? 500;
  let after: string | null = null;
  for (;;) {
    const batch: { last: string | null; full: boolean; asked: number; nothingToAsk: number } =
      await sql.transaction(async (tx) => {
        await waitForJobLock(tx, JOB);
        const customers = await selectCustomersToAsk(tx, { after, size, askedBefore, openBefore });
        const counts = {
          last: customers.at(-1)?.id ?? null,
          full: customers.length === size,
          asked: 0,
          nothingToAsk: 0,
        };
        const asks: QuestionToAsk[] = [];
        for (const customer of customers) {
          const question = nextQuestion(customer, options.questions, now);
          if (!question) {
            counts.nothingToAsk++;
            continue;
          }
          const token = newQuestionToken();
          const open: OpenQuestion = {
            kind: "question",
            token,
            questionId: question.id,
            key: question.key,
            version: question.version,
            surveyId: null,
            askedAt: now.toISOString(),
          };
          asks.push({
            customerId: customer.id,
            openQuestion: open,
            payload: questionPayload(question, token, { later: true }),
            dedupeKey: `question:${customer.id}:${isoDate(today)}`,
          });
        }
        counts.asked = await askCustomers(tx, { asks, at: now, askedBefore, openBefore });
        return counts;
      });
    result.asked += batch.asked;
    result.nothingToAsk += batch.nothingToAsk;
    if (!batch.full || batch.last === null) return result;
    after = batch.last;
  }
}
