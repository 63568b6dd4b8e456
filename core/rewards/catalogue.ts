import type { LoyaltyCard } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { type RewardForCustomer, selectActiveRewardsForCustomer } from "../db/tables/rewards.ts";
import { spendablePoints } from "../loyalty/pending.ts";
import type { LoyaltySettings } from "../loyalty/settings.ts";
import { type Unavailable, whyUnavailable } from "./availability.ts";

export type CatalogueItem = { reward: RewardForCustomer; unavailable: Unavailable | null };

export type Catalogue = { items: CatalogueItem[]; balance: number; spendable: number };

/**
 * The active rewards as one customer sees them: each with whether they can take it now and, if
 * not, why. One statement (two with a pending period for purchase points).
 */
export async function rewardCatalogue(
  sql: Sql,
  settings: LoyaltySettings,
  options: { card: Pick<LoyaltyCard, "customerId" | "balance">; now?: Date },
): Promise<Catalogue> {
  const { card } = options;
  const rewards = await selectActiveRewardsForCustomer(sql, card.customerId);
  const spendable = await spendablePoints(sql, settings, card, options.now ?? new Date());
  return {
    items: rewards.map((reward) => ({ reward, unavailable: whyUnavailable(reward, spendable) })),
    balance: card.balance,
    spendable,
  };
}
