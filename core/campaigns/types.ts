import type { Actor } from "../access/permissions.ts";
import type { CampaignStatus, PrismaClient } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import type { LoyaltySettings } from "../loyalty/settings.ts";
import type { OwnerText } from "../outbox/message.ts";
import type { QuestionBank } from "../questions/bank-store.ts";
import type { Rule } from "../segments/rule.ts";
import type { CampaignButton, MessageSpec } from "./message.ts";

/** What the campaign use cases need; the API and the bot's /broadcast build it alike. */
export type CampaignDeps = {
  db: PrismaClient;
  sql: Sql;
  /** The business's TIME_ZONE: relative dates of rules, local-time sends. */
  timeZone: string;
  actor: Actor;
  loyalty: { get(): Promise<LoyaltySettings> };
  /** The bank's question keys are the placeholders besides the built-in ones. */
  questions: Pick<QuestionBank, "all">;
  now?: () => Date;
  /**
   * The bot's word for a tier the owner did not name ("Золотой"), for previews; the API uses
   * the Russian and English words of bot/locales when left out.
   */
  tierWord?: (tier: string, language: string) => string;
  /** The bot's DEFAULT_LANGUAGE, for previews of customers whose language is unknown. */
  defaultLanguage?: "ru" | "en";
};

/** What a campaign is sent to, as stored in Campaign.audience. */
export type StoredAudience =
  | { kind: "all" }
  | { kind: "segment"; segmentId: string }
  | { kind: "rule"; rule: Rule };

/** An A/B variant as stored in Campaign.variants. */
export type CampaignVariant = { key: string; share: number; text: OwnerText };

/** The campaign as the API shows it (and the bot reads it). */
export type CampaignView = {
  id: string;
  name: string;
  status: CampaignStatus;
  marketing: boolean;
  /** As given: "all", a saved segment's id, or the inline rule. */
  segment: "all" | string | Rule;
  text: OwnerText;
  buttons: CampaignButton[];
  photoUrl: string | null;
  parseMode: MessageSpec["parseMode"];
  variants: CampaignVariant[];
  sendAt: Date | null;
  localTime: boolean;
  /** Rows materialised at launch (0 before). */
  recipients: number;
  /** Why it stopped on its own (the photo failed, the audience was empty at sendAt). */
  lastError: string | null;
  startedAt: Date | null;
  pausedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

export type VariantStats = {
  key: string;
  share: number;
  recipients: number;
  sent: number;
  failed: number;
  blocked: number;
  skipped: number;
  pending: number;
  cancelled: number;
  /** Recipients who pressed at least one button. */
  clicks: number;
};

/** Counts of a campaign's deliveries by outcome (test sends and message changes excluded). */
export type CampaignStats = {
  recipients: number;
  sent: number;
  failed: number;
  blocked: number;
  skipped: number;
  /** Not yet sent: waiting (PENDING) or claimed by a dispatcher right now (SENDING). */
  pending: number;
  /** Recipients who pressed at least one button (each delivery counts once). */
  clicks: number;
  /** Button presses, every button of every delivery counted once. */
  buttonClicks: number;
  /** Recipients who pressed the message's "Unsubscribe" (not counted as clicks). */
  unsubscribes: number;
  cancelled: number;
  /** Sent after a dispatcher vanished holding them (a crash): they may have gone twice. */
  possibleDuplicates: number;
  variants: VariantStats[];
};
