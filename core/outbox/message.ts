import type { MessageSpec } from "../campaigns/message.ts";

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
  /** Variables in the owner's words (a question, an option), in each language; Russian is the
   *  fallback for a language left out. */
  localized?: Record<string, OwnerText>;
  /** Inline buttons, by rows. */
  buttons?: OutboxButton[][];
};

/** A text the owner wrote, per language. */
export type OwnerText = { ru: string; en?: string | undefined };

/**
 * An inline button: labelled with a message of the bot (`template`) or the owner's words
 * (`label`), pressing it sends `data` back to the bot or opens `url`. `checked` marks a picked
 * option of a multiple choice.
 */
export type OutboxButton = (
  | { template: string; vars?: Record<string, string | number> }
  | { label: OwnerText }
) &
  ({ data: string } | { url: string }) & { checked?: boolean };

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
  /** A progressive question from the bank (one every few days; quiet hours and the cap apply). */
  question: "question",
  /** "How was your visit?" some time after a purchase. */
  feedbackRequest: "feedback_request",
  /** A low score, sent to the staff who chose to receive feedback. */
  feedbackAlert: "feedback_alert",
  /** A staff member's answer to a customer's feedback. */
  feedbackReply: "feedback_reply",
  /** A campaign delivery (payload: CampaignDeliveryPayload; marketing unless the campaign says not). */
  campaign: "campaign",
  /** Deleting or editing a campaign message already sent (payload: MessageChangePayload). */
  campaignChange: "campaign_change",
  /** A test send of a campaign to a staff member (payload: CampaignDeliveryPayload). */
  campaignTest: "campaign_test",
  /** An automation's message in the owner's words (payload: OwnerMessagePayload). */
  automation: "automation",
} as const;

/**
 * A campaign delivery's payload: the words are the campaign's (Campaign.message, or the
 * variant's text), rendered with the recipient's placeholders when the row is sent; the row's
 * campaignId says which campaign.
 */
export type CampaignDeliveryPayload = { campaign: { variant: string | null } };

/**
 * Deletes or edits (to the campaign's current text) a message already sent: `messageId` is
 * the Telegram message id in the customer's chat, `deliveryId` the row that sent it.
 */
export type MessageChangePayload = {
  change: "delete" | "edit";
  messageId: number;
  deliveryId: string;
};

/** An automation's message in the owner's words (core/automations), with its placeholders. */
export type OwnerMessagePayload = {
  owner: MessageSpec;
  automationKey: string;
  /**
   * The occasion's own placeholders (definitions.ts KindPlaceholders: `{bonus}`,
   * `{expiry_date}`, `{date}`…), filled in next to the recipient's when the row is sent.
   */
  vars?: Record<string, string | number>;
};

export type OutboxKind = (typeof OutboxKind)[keyof typeof OutboxKind];
