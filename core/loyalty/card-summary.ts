import type { Customer, LoyaltyCard } from "../db/client.ts";
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
  nextTier: string | null;
  /** Spend left to the next tier, in minor units as a decimal string. */
  remainingMinor: string;
  purchaseCount: number;
  /** Telegram's file_id of the QR picture, when it was sent before for `qrLink`. */
  qrFileId: string | null;
  qrLink: string | null;
};

/** Built from rows the caller already holds: no query of its own. */
export function cardSummary(
  customer: Pick<Customer, "id" | "name" | "totalSpentMinor" | "purchaseCount">,
  card: LoyaltyCard,
): CardSummary {
  const progress = tierProgress(customer.totalSpentMinor);
  return {
    cardId: card.id,
    customerId: customer.id,
    name: customer.name,
    number: card.number,
    balance: card.balance,
    status: card.status,
    tier: progress.current.key,
    nextTier: progress.next?.key ?? null,
    remainingMinor: progress.remainingMinor.toString(),
    purchaseCount: customer.purchaseCount,
    qrFileId: card.qrFileId,
    qrLink: card.qrLink,
  };
}
