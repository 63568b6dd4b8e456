import type { OutboxButton, OutboxPayload } from "../outbox/message.ts";
import { scaleRanges } from "../questions/types.ts";
import type { LocalDate } from "../scheduling/calendar.ts";

/**
 * Callback data of the rating after a purchase, in one place. The token is the open question's
 * (core/questions/open-question.ts): a button of an older request is recognised as stale.
 *   fb:<token>:<score>   a score
 *   fbc:<token>          "I'd rather not write" instead of a comment
 *   fbr:<feedbackId>     staff: answer this customer
 */
export const feedbackScoreCallback = (token: string, score: number) => `fb:${token}:${score}`;
export const feedbackScorePattern = /^fb:([A-Za-z0-9_-]{1,16}):(\d{1,2})$/;
export const feedbackSkipCommentCallback = (token: string) => `fbc:${token}`;
export const feedbackSkipCommentPattern = /^fbc:([A-Za-z0-9_-]{1,16})$/;
export const feedbackReplyCallback = (feedbackId: string) => `fbr:${feedbackId}`;
export const feedbackReplyPattern =
  /^fbr:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export type FeedbackScale = "rating" | "nps";

export function scaleRange(scale: FeedbackScale): { min: number; max: number } {
  return scaleRanges[scale] as { min: number; max: number };
}

/** "How was your visit on 25 November?" with a row (two for NPS) of score buttons. */
export function feedbackRequestPayload(
  token: string,
  scale: FeedbackScale,
  purchaseDay: LocalDate,
): OutboxPayload {
  const { min, max } = scaleRange(scale);
  const scores = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  const button = (score: number): OutboxButton => ({
    label: { ru: String(score) },
    data: feedbackScoreCallback(token, score),
  });
  // Eleven buttons do not fit one row on a phone.
  const rows =
    scores.length > 6
      ? [scores.slice(0, 6).map(button), scores.slice(6).map(button)]
      : [scores.map(button)];
  return {
    template: `feedback-request-${scale}`,
    vars: { day: purchaseDay.day, month: purchaseDay.month },
    buttons: rows,
  };
}
