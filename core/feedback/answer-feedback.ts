import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { Feedback } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { insertEvents } from "../db/tables/customer-events.ts";
import { closeFeedback, selectFeedbackDetail } from "../db/tables/feedback.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { enqueueMessage } from "../outbox/enqueue.ts";
import { OutboxKind } from "../outbox/message.ts";

export const FEEDBACK_ANSWER_MAX_LENGTH = 2000;

export type AnswerFeedbackResult =
  | { kind: "answered"; feedback: Feedback }
  /** Someone answered first (two staff at once, or an old button): who. */
  | { kind: "already_answered"; by: string | null }
  /** No such item, or not one waiting for an answer (a score that was not low). */
  | { kind: "not_found" };

/**
 * A staff member's answer to a low score: the item is closed with the answer and who gave it,
 * audited, put on the customer's timeline, and the answer is sent to the customer through the
 * outbox — one transaction. Closing is conditional on the item being open, so of two staff
 * answering at once one answer counts and the other is told who answered.
 */
export async function answerFeedback(
  sql: Sql,
  options: {
    actor: Actor;
    feedbackId: string;
    /** Trimmed, 1..FEEDBACK_ANSWER_MAX_LENGTH characters (the bot checks before). */
    answer: string;
    /** The business's name, as the customer knows it ("Answer from <business>"). */
    business: string;
    now?: Date;
  },
): Promise<AnswerFeedbackResult> {
  requirePermission(options.actor, Permission.answerFeedback);
  const answer = options.answer.trim();
  if (answer.length === 0 || answer.length > FEEDBACK_ANSWER_MAX_LENGTH) {
    throw new AppError("invalid_input", "The answer must be 1 to 2000 characters", {
      field: "answer",
    });
  }
  const now = options.now ?? new Date();
  return sql.transaction(async (tx): Promise<AnswerFeedbackResult> => {
    const feedback = await closeFeedback(tx, {
      feedbackId: options.feedbackId,
      answer,
      staffId: options.actor.staffId,
      at: now,
    });
    if (!feedback) {
      const detail = await selectFeedbackDetail(tx, options.feedbackId);
      if (detail?.status !== "CLOSED") return { kind: "not_found" };
      return { kind: "already_answered", by: detail.answeredByName };
    }
    await recordAudit(tx, {
      actor: options.actor,
      action: AuditAction.feedbackAnswered,
      customerId: feedback.customerId,
      data: { feedbackId: feedback.id, purchaseId: feedback.purchaseId },
      now,
    });
    await insertEvents(
      tx,
      [
        {
          customerId: feedback.customerId,
          type: EventType.feedbackAnswered,
          data: { feedbackId: feedback.id },
          staffId: options.actor.staffId,
        },
      ],
      now,
    );
    await enqueueMessage(tx, {
      kind: OutboxKind.feedbackReply,
      customerId: feedback.customerId,
      payload: { template: "feedback-reply", vars: { business: options.business, answer } },
      service: true,
      dedupeKey: `feedback-reply:${feedback.id}`,
      now,
    });
    return { kind: "answered", feedback };
  });
}
