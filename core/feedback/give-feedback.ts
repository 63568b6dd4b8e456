import { randomUUID } from "node:crypto";
import type { Customer, Feedback } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { insertFeedback, openQuestionIf } from "../db/tables/feedback.ts";
import { EventType } from "../events.ts";
import { newQuestionToken, readOpenQuestion } from "../questions/open-question.ts";
import { type FeedbackSettings, feedbackThresholds } from "../questions/settings.ts";
import { emitWebhookEvent } from "../webhooks/emit.ts";
import { WebhookEvent } from "../webhooks/events.ts";
import { scaleRange } from "./feedback-message.ts";

export type GiveFeedbackResult =
  /** The button is not the open rating's (an older one, or pressed twice). */
  | { kind: "stale" }
  | {
      kind: "low" | "high" | "neutral";
      feedback: Feedback;
      customer: Customer;
      /** For "low": the token of the "what went wrong?" that is open now. */
      commentToken: string | null;
    };

/**
 * A score pressed under "how was your visit?": recorded once per purchase with a
 * "feedback.given" event; a low score opens an item for staff and asks what went wrong (the
 * next text is the comment), any other closes the question. One transaction.
 */
export async function giveFeedback(
  sql: Sql,
  options: {
    customer: Customer;
    token: string;
    score: number;
    settings: FeedbackSettings;
    now?: Date;
  },
): Promise<GiveFeedbackResult> {
  const now = options.now ?? new Date();
  const open = readOpenQuestion(options.customer.openQuestion);
  if (open?.kind !== "feedback" || open.token !== options.token) return { kind: "stale" };
  const range = scaleRange(open.scale);
  if (options.score < range.min || options.score > range.max) return { kind: "stale" };
  // The thresholds of the scale it was asked on, should the owner have switched since.
  const { low, high } = feedbackThresholds({ ...options.settings, scale: open.scale });
  const kind = options.score <= low ? "low" : options.score >= high ? "high" : "neutral";

  return sql
    .transaction(async (tx): Promise<GiveFeedbackResult> => {
      const feedback = await insertFeedback(tx, {
        id: randomUUID(),
        customerId: options.customer.id,
        purchaseId: open.purchaseId,
        scale: open.scale,
        score: options.score,
        status: kind === "low" ? "OPEN" : null,
        at: now,
      });
      if (!feedback) return { kind: "stale" };
      const commentToken = kind === "low" ? newQuestionToken() : null;
      const customer = await openQuestionIf(tx, {
        customerId: options.customer.id,
        openQuestion: commentToken
          ? {
              kind: "feedback_comment",
              token: commentToken,
              feedbackId: feedback.id,
              askedAt: now.toISOString(),
            }
          : null,
        at: now,
        condition: { token: open.token },
        event: {
          type: EventType.feedbackGiven,
          data: {
            feedbackId: feedback.id,
            purchaseId: open.purchaseId,
            scale: open.scale,
            score: options.score,
          },
        },
      });
      // The question changed under us (another update of the same person): undo the rating.
      if (!customer) throw new StaleFeedback();
      await emitWebhookEvent(tx, {
        event: WebhookEvent.feedbackReceived,
        dedupeKey: `feedback:${feedback.id}`,
        data: {
          feedbackId: feedback.id,
          customerId: customer.id,
          purchaseId: open.purchaseId,
          scale: open.scale,
          score: options.score,
          comment: null,
          createdAt: now.toISOString(),
        },
        now,
      });
      return { kind, feedback, customer, commentToken };
    })
    .catch((error: unknown) => {
      if (error instanceof StaleFeedback) return { kind: "stale" } as const;
      throw error;
    });
}

class StaleFeedback extends Error {}
