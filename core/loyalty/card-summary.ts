import type { Customer, LoyaltyCard } from "../db/client.ts";
import type { LoyaltySettings } from "./settings.ts";
import { tierProgress } from "./tiers.ts";

/** What a customer sees on "My card". Plain values so bot views need no Prisma types. */
export type CardSummary = {
  cardId: string;
  customerId: string;
  name: string | null;
  number: string;
  balance: number;
  status: "ACTIVE" | "BLOCKED" | "CLOSED";
  tier: string;
  /** The owner's name for the tier; null = the bot's own word for the key. */
  tierName: string | null;
  nextTier: string | null;
  nextTierName: string | null;
  /** Spend left to the next tier, in minor units as a decimal string. */
  remainingMinor: string;
  /** What counts toward tiers: spend over the last N months, or ever (null). */
  basisMonths: number | null;
  currency: string;
  purchaseCount: number;
  /** Telegram's file_id of the QR picture, when it was sent before for `qrLink`. */
  qrFileId: string | null;
  qrLink: string | null;
};

/** Built from rows the caller already holds and the cached settings: no query of its own. */
export function cardSummary(
  settings: LoyaltySettings,
  customer: Pick<Customer, "id" | "name" | "tier" | "tierSpendMinor" | "purchaseCount">,
  card: LoyaltyCard,
): CardSummary {
  const progress = tierProgress(settings, customer);
  const basis = settings.tiers.basis;
  return {
    cardId: card.id,
    customerId: customer.id,
    name: customer.name,
    number: card.number,
    balance: card.balance,
    status: card.status,
    tier: progress.current.key,
    tierName: progress.current.name,
    nextTier: progress.next?.key ?? null,
    nextTierName: progress.next?.name ?? null,
    remainingMinor: progress.remainingMinor.toString(),
    basisMonths: basis.kind === "window" ? basis.months : null,
    currency: settings.currency,
    purchaseCount: customer.purchaseCount,
    qrFileId: card.qrFileId,
    qrLink: card.qrLink,
  };
}
