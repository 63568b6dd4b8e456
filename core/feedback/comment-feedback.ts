import type { Customer } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import {
  type FeedbackDetail,
  openQuestionIf,
  selectFeedbackDetail,
  selectFeedbackRecipients,
  updateFeedbackComment,
} from "../db/tables/feedback.ts";
import { formatCardNumber } from "../loyalty/card-number.ts";
import { enqueueMessage } from "../outbox/enqueue.ts";
import { OutboxKind, type OutboxPayload } from "../outbox/message.ts";
import { readOpenQuestion } from "../questions/open-question.ts";
import { localDateOf } from "../scheduling/calendar.ts";
import { emitWebhookEvent } from "../webhooks/emit.ts";
import { WebhookEvent } from "../webhooks/events.ts";
import { type FeedbackScale, feedbackReplyCallback, scaleRange } from "./feedback-message.ts";

/** The longest comment kept: enough for a complaint, short enough for one staff message. */
export const FEEDBACK_COMMENT_MAX_LENGTH = 2000;

export type CommentFeedbackResult =
  | { kind: "stale" }
  | {
      kind: "saved";
      customer: Customer;
      /** Staff alerted, and staff who receive feedback but have no chat with the bot. */
      alerted: number;
      unreachableStaff: string[];
    };

/**
 * The customer's answer to "what went wrong?" after a low score — their words, or none when
 * they chose not to write: kept on the item, the question closed, and every active staff member
 * who receives feedback alerted through the outbox. One transaction; the open question's token
 * makes a second answer (a double tap on "Skip") do nothing.
 */
export async function commentFeedback(
  sql: Sql,
  options: {
    customer: Customer;
    /** Trimmed, at most FEEDBACK_COMMENT_MAX_LENGTH; null = skipped. */
    comment: string | null;
    /** The token of the question answered (a button's); left out = the one open now. */
    token?: string;
    timeZone: string;
    now?: Date;
  },
): Promise<CommentFeedbackResult> {
  const now = options.now ?? new Date();
  const open = readOpenQuestion(options.customer.openQuestion);
  if (open?.kind !== "feedback_comment") return { kind: "stale" };
  if (options.token !== undefined && options.token !== open.token) return { kind: "stale" };
  return sql.transaction(async (tx): Promise<CommentFeedbackResult> => {
    const customer = await openQuestionIf(tx, {
      customerId: options.customer.id,
      openQuestion: null,
      at: now,
      condition: { token: open.token },
    });
    if (!customer) return { kind: "stale" };
    await updateFeedbackComment(tx, {
      feedbackId: open.feedbackId,
      customerId: customer.id,
      comment: options.comment,
    });
    // The same event again, now with the customer's words (a receiver may update the rating).
    await emitWebhookEvent(tx, {
      event: WebhookEvent.feedbackReceived,
      dedupeKey: `feedback:${open.feedbackId}:comment`,
      data: {
        feedbackId: open.feedbackId,
        customerId: customer.id,
        comment: options.comment,
        createdAt: now.toISOString(),
      },
      now,
    });
    const detail = await selectFeedbackDetail(tx, open.feedbackId);
    if (!detail) return { kind: "saved", customer, alerted: 0, unreachableStaff: [] };
    const payload = feedbackAlertPayload(detail, options.timeZone);
    let alerted = 0;
    const unreachableStaff: string[] = [];
    for (const recipient of await selectFeedbackRecipients(tx)) {
      if (!recipient.customerId) {
        unreachableStaff.push(recipient.staffId);
        continue;
      }
      await enqueueMessage(tx, {
        kind: OutboxKind.feedbackAlert,
        customerId: recipient.customerId,
        payload,
        service: true,
        dedupeKey: `feedback-alert:${detail.id}:${recipient.staffId}`,
        now,
      });
      alerted++;
    }
    return { kind: "saved", customer, alerted, unreachableStaff };
  });
}

/** The item as staff read it: who, how to reach them, which purchase, the score, the words. */
export function feedbackAlertPayload(detail: FeedbackDetail, timeZone: string): OutboxPayload {
  const day = localDateOf(detail.purchaseAt ?? new Date(), timeZone);
  const vars: Record<string, string | number> = {
    name: detail.name ?? detail.firstName ?? "—",
    phone: detail.phone ?? "—",
    card: detail.cardNumber ? formatCardNumber(detail.cardNumber) : "—",
    day: day.day,
    month: day.month,
    score: detail.score,
    max: scaleRange(detail.scale as FeedbackScale).max,
    ...(detail.comment ? { comment: detail.comment } : {}),
    ...(detail.amountMinor === null ? { amount: "—" } : {}),
  };
  return {
    template: detail.comment ? "feedback-alert" : "feedback-alert-silent",
    vars,
    ...(detail.amountMinor !== null
      ? {
          money: {
            currency: detail.currency ?? "RUB",
            amounts: { amount: detail.amountMinor.toString() },
          },
        }
      : {}),
    buttons: [[{ template: "btn-feedback-reply", data: feedbackReplyCallback(detail.id) }]],
  };
}
