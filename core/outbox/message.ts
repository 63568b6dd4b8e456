/**
 * What an outbox row says: one of the bot's own messages (a key of bot/locales) and its
 * variables, written in the customer's language when it is sent. Core names the message; the
 * bot owns the words.
 */
export type OutboxPayload = {
  template: string;
  vars?: Record<string, string | number>;
  /**
   * Amounts of money (minor units, as decimal strings) that become variables of the same names,
   * written the way the customer's language writes money (the bot formats them when it sends).
   */
  money?: { currency: string; amounts: Record<string, string> };
};

/** Outbox kinds, in one place: statistics and rules (service or not) go by them. */
export const OutboxKind = {
  referralCredited: "referral_credited",
  /** The yearly birthday bonus with a greeting (a courtesy: quiet hours and the cap apply). */
  birthdayBonus: "birthday_bonus",
  /** Points about to expire (about the customer's own points: a service message). */
  expiryWarning: "expiry_warning",
  /** The bonus for a custom event (POST /api/customers/:id/events). */
  eventBonus: "event_bonus",
  /** Points credited by hand (POST /api/customers/:id/points). */
  pointsAdjusted: "points_adjusted",
  purchaseReceipt: "purchase_receipt",
  refundReceipt: "refund_receipt",
  tierReached: "tier_reached",
  /** An unused reward code expired and its points came back. */
  rewardExpired: "reward_expired",
} as const;

export type OutboxKind = (typeof OutboxKind)[keyof typeof OutboxKind];
