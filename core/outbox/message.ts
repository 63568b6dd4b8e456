/**
 * What an outbox row says: one of the bot's own messages (a key of bot/locales) and its
 * variables, written in the customer's language when it is sent. Core names the message; the
 * bot owns the words.
 */
export type OutboxPayload = { template: string; vars?: Record<string, string | number> };

/** Outbox kinds, in one place: statistics and rules (service or not) go by them. */
export const OutboxKind = {
  referralCredited: "referral_credited",
} as const;

export type OutboxKind = (typeof OutboxKind)[keyof typeof OutboxKind];
