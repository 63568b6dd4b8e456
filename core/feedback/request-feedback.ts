import { waitForJobLock } from "../db/job-lock.ts";
import type { Sql } from "../db/sql.ts";
import {
  claimFeedbackRequest,
  openQuestionIf,
  selectFeedbackCandidates,
} from "../db/tables/feedback.ts";
import type { LoyaltySettings } from "../loyalty/settings.ts";
import { enqueueMessage } from "../outbox/enqueue.ts";
import { OutboxKind } from "../outbox/message.ts";
import { withinAllowedHours } from "../questions/allowed-hours.ts";
import { newQuestionToken, type OpenQuestion } from "../questions/open-question.ts";
import { localDateOf, startOfLocalDay } from "../scheduling/calendar.ts";
import { feedbackRequestPayload } from "./feedback-message.ts";

const HOUR_MS = 60 * 60 * 1000;
/** A purchase older than this is not asked about any more: the visit is no longer fresh. */
const MAX_AGE_MS = 48 * HOUR_MS;
/** A question opened this recently (a survey, a progressive one) is not replaced by a rating. */
const OPEN_QUESTION_GRACE_MS = HOUR_MS;
const JOB = "feedback:request";

/**
 * The rating after a purchase: `feedback.delayMinutes` after it (and within the allowed hours,
 * so an evening purchase is asked about the next morning), the customer is asked "how was your
 * visit?". One request per customer per day — about their latest purchase; a purchase made on
 * a day the customer was already asked, or before a purchase they were asked about, is not
 * asked about. Claiming the purchase, opening the question and queueing the message are one
 * transaction, under the job's lock, so two runs at once ask once.
 */
export async function requestFeedback(
  sql: Sql,
  options: {
    settings: Pick<LoyaltySettings, "questions" | "feedback">;
    timeZone: string;
    now: Date;
    batchSize?: number;
  },
): Promise<{ requested: number }> {
  const { settings, timeZone, now } = options;
  let requested = 0;
  if (!settings.feedback.enabled) return { requested };
  if (!withinAllowedHours(settings.questions.allowedHours, now, timeZone)) return { requested };

  const dueBefore = new Date(now.getTime() - settings.feedback.delayMinutes * 60_000);
  const oldest = new Date(now.getTime() - MAX_AGE_MS);
  const openBefore = new Date(now.getTime() - OPEN_QUESTION_GRACE_MS);
  const todayStart = startOfLocalDay(localDateOf(now, timeZone), timeZone);
  const size = options.batchSize ?? 500;
  let after: string | null = null;
  for (;;) {
    const batch: { last: string | null; full: boolean; requested: number } = await sql.transaction(
      async (tx) => {
        await waitForJobLock(tx, JOB);
        const candidates = await selectFeedbackCandidates(tx, {
          after,
          size,
          dueBefore,
          oldest,
          openBefore,
        });
        let queued = 0;
        for (const candidate of candidates) {
          const purchaseDay = localDateOf(candidate.createdAt, timeZone);
          const dayStart = startOfLocalDay(purchaseDay, timeZone);
          const asked = candidate.lastRequestedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
          if (asked >= dayStart.getTime() || asked >= todayStart.getTime()) continue;
          if (!(await claimFeedbackRequest(tx, { purchaseId: candidate.purchaseId, at: now })))
            continue;
          const token = newQuestionToken();
          const open: OpenQuestion = {
            kind: "feedback",
            token,
            purchaseId: candidate.purchaseId,
            scale: settings.feedback.scale,
            askedAt: now.toISOString(),
          };
          // A question opened in between (the customer started a survey): the purchase stays
          // claimed and is not asked about — better one rating fewer than two questions open.
          const opened = await openQuestionIf(tx, {
            customerId: candidate.customerId,
            openQuestion: open,
            at: now,
            condition: { openBefore },
          });
          if (!opened) continue;
          await enqueueMessage(tx, {
            kind: OutboxKind.feedbackRequest,
            customerId: candidate.customerId,
            payload: feedbackRequestPayload(token, settings.feedback.scale, purchaseDay),
            service: false,
            dedupeKey: `feedback:${candidate.purchaseId}`,
            now,
          });
          queued++;
        }
        return {
          last: candidates.at(-1)?.customerId ?? null,
          full: candidates.length === size,
          requested: queued,
        };
      },
    );
    requested += batch.requested;
    if (!batch.full || batch.last === null) return { requested };
    after = batch.last;
  }
}
