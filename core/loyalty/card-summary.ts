import type { PrismaClient } from "../db/client.ts";
import { tierProgress } from "./tiers.ts";

/** What a customer sees on "My card". Plain values so bot views need no Prisma types. */
export type CardSummary = {
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
};

export async function getCardSummary(
  db: PrismaClient,
  customerId: string,
): Promise<CardSummary | null> {
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    include: { card: true },
  });
  if (!customer?.card) return null;
  const progress = tierProgress(customer.totalSpentMinor);
  return {
    customerId: customer.id,
    name: customer.name,
    number: customer.card.number,
    balance: customer.card.balance,
    status: customer.card.status,
    tier: progress.current.key,
    nextTier: progress.next?.key ?? null,
    remainingMinor: progress.remainingMinor.toString(),
    purchaseCount: customer.purchaseCount,
  };
}
