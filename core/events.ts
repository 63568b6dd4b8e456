import type { Prisma } from "./db/client.ts";

/** Timeline event types: one place so the timeline stays queryable and consistent. */
export const EventType = {
  botStarted: "bot.started",
  botBlocked: "bot.blocked",
  botUnblocked: "bot.unblocked",
  consentGiven: "consent.given",
  consentDeclined: "consent.declined",
  marketingConsentChanged: "consent.marketing_changed",
  phoneVerified: "phone.verified",
  profileEdited: "profile.edited",
  /** An answer to a question of the bank (its key and where it was given; the value is in the
   *  profile and the answer log). */
  questionAnswered: "question.answered",
  questionSkipped: "question.skipped",
  /** "Questions from us" switched on or off in Settings. */
  questionsPreferenceChanged: "questions.preference_changed",
  surveyStarted: "survey.started",
  surveyFinished: "survey.finished",
  feedbackGiven: "feedback.given",
  feedbackAnswered: "feedback.answered",
  cardIssued: "card.issued",
  pointsCredited: "points.credited",
  referralCredited: "referral.credited",
  languageChanged: "language.changed",
  dataExported: "data.exported",
  dataDeleted: "data.deleted",
  customerMerged: "customer.merged",
  /** Registered by staff at the till (a walk-in), not through the bot. */
  customerRegistered: "customer.registered",
  purchaseRecorded: "purchase.recorded",
  purchaseRefunded: "purchase.refunded",
  tierChanged: "tier.changed",
  /** A custom event reported through the API (e.g. review_left), with its bonus if any. */
  customEvent: "custom.event",
  rewardRedeemed: "reward.redeemed",
  rewardUsed: "reward.used",
  /** An unused reward code ran out; its points went back to the card. */
  rewardExpired: "reward.expired",
} as const;

export type EventType = (typeof EventType)[keyof typeof EventType];

type Db = Pick<Prisma.TransactionClient, "customerEvent">;

export async function recordEvent(
  db: Db,
  customerId: string,
  type: EventType,
  data: Prisma.InputJsonObject = {},
  staffId?: string,
): Promise<void> {
  await db.customerEvent.create({ data: { customerId, type, data, staffId: staffId ?? null } });
}
