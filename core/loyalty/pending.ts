import type { Sql } from "../db/sql.ts";
import { selectPendingPurchasePoints } from "../db/tables/points-entries.ts";
import type { LoyaltySettings } from "./settings.ts";

const DAY_MS = 86_400_000;

/**
 * Points the customer may spend now: the balance less what purchases earned within the pending
 * period (settings.pendingDays), which protects against buy-spend-refund. Bonuses (welcome,
 * birthday, events, adjustments) are never pending. Costs no statement when there is no period.
 */
export async function spendablePoints(
  sql: Sql,
  settings: LoyaltySettings,
  card: { customerId: string; balance: number },
  now: Date,
): Promise<number> {
  if (settings.pendingDays === 0) return card.balance;
  const since = new Date(now.getTime() - settings.pendingDays * DAY_MS);
  const pending = await selectPendingPurchasePoints(sql, card.customerId, since);
  return Math.max(0, card.balance - Math.max(0, pending));
}
