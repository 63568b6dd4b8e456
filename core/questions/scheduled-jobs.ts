import type { Sql } from "../db/sql.ts";
import { requestFeedback } from "../feedback/request-feedback.ts";
import type { Logger } from "../logger.ts";
import type { LoyaltySettings } from "../loyalty/settings.ts";
import type { Job } from "../scheduling/scheduler.ts";
import { askProgressiveQuestions } from "./ask-progressive.ts";
import type { QuestionBank } from "./bank-store.ts";

/**
 * The jobs that ask customers on the bot's own initiative: the next progressive question and
 * the rating after a purchase. They run often and do nothing outside the allowed hours, so a
 * change of the hours (or of the time a purchase became due) takes effect within minutes; each
 * is safe to run from two processes at once.
 */
export function questionJobs(deps: {
  sql: Sql;
  loyalty: { get(): Promise<LoyaltySettings> };
  questions: Pick<QuestionBank, "active">;
  timeZone: string;
  logger: Logger;
  /** The jobs' clock (tests). */
  now?: () => Date;
}): Job[] {
  const now = deps.now ?? (() => new Date());
  return [
    {
      name: "progressive-questions",
      schedule: "*/15 * * * *",
      run: async () => {
        const result = await askProgressiveQuestions(deps.sql, {
          questions: await deps.questions.active(),
          settings: await deps.loyalty.get(),
          timeZone: deps.timeZone,
          now: now(),
        });
        if (result.asked > 0)
          deps.logger.info({ job: "progressive-questions", ...result }, "questions queued");
      },
    },
    {
      name: "feedback-requests",
      schedule: "*/5 * * * *",
      run: async () => {
        const result = await requestFeedback(deps.sql, {
          settings: await deps.loyalty.get(),
          timeZone: deps.timeZone,
          now: now(),
        });
        if (result.requested > 0)
          deps.logger.info({ job: "feedback-requests", ...result }, "ratings requested");
      },
    },
  ];
}
