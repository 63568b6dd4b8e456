import { createHash } from "node:crypto";
import type { Reward, RewardRedemption } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { lockActiveCardOfCustomer } from "../db/tables/loyalty-cards.ts";
import { insertRedemption, selectRedemptionById } from "../db/tables/reward-redemptions.ts";
import { lockRewardForCustomer } from "../db/tables/rewards.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { postLedgerEntry } from "../loyalty/ledger.ts";
import { spendablePoints } from "../loyalty/pending.ts";
import type { LoyaltySettings } from "../loyalty/settings.ts";
import { unavailableError, whyUnavailable } from "./availability.ts";
import { generateRewardCode } from "./code.ts";

const DAY_MS = 86_400_000;

export type RedeemedReward = {
  redemption: RewardRedemption;
  reward: Pick<Reward, "id" | "title" | "kind" | "description">;
  /** The card's balance after the exchange (now, for a duplicate). */
  balance: number;
  /** This key redeemed before: nothing new happened, this is the earlier redemption. */
  duplicate: boolean;
};

/**
 * The redemption's id follows from the customer and the caller's key, so a double tap (the same
 * key twice) finds the first one instead of taking the reward again, and the ledger entry's key
 * (`reward:<id>`) follows from it too.
 */
export function redemptionIdFor(customerId: string, idempotencyKey: string): string {
  const hex = createHash("sha256").update(`reward:${customerId}:${idempotencyKey}`).digest("hex");
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A customer exchanges points for a reward, as one unit: the points debited (a REWARD ledger
 * entry), one taken off the stock, the code issued with its expiry, the timeline event. The
 * card is locked first, so the customer's own redemptions run one at a time (their limit and
 * pending points are counted after the previous one), then the reward, so its stock is taken one
 * at a time across customers. Refusals carry `details.reason`: inactive, out_of_stock,
 * limit_reached, insufficient_points.
 */
export async function redeemReward(
  sql: Sql,
  settings: LoyaltySettings,
  request: { customerId: string; rewardId: string; idempotencyKey: string; now?: Date },
): Promise<RedeemedReward> {
  const now = request.now ?? new Date();
  const id = redemptionIdFor(request.customerId, request.idempotencyKey);
  return sql.transaction(async (tx) => {
    const card = await lockActiveCardOfCustomer(tx, request.customerId);
    if (!card) throw new AppError("not_found", "The customer has no active card");
    // After the lock: a concurrent call with the same key has committed by now.
    const earlier = await selectRedemptionById(tx, id);
    if (earlier) {
      return {
        redemption: earlier,
        reward: {
          id: earlier.rewardId,
          title: earlier.rewardTitle,
          kind: earlier.rewardKind,
          description: earlier.rewardDescription,
        },
        balance: card.balance,
        duplicate: true,
      };
    }
    const reward = await lockRewardForCustomer(tx, request.rewardId, request.customerId);
    if (!reward) throw new AppError("not_found", "No such reward");
    const spendable = await spendablePoints(tx, settings, card, now);
    const reason = whyUnavailable(reward, spendable);
    if (reason) throw unavailableError(reason, reward, spendable);

    const { entry } = await postLedgerEntry(tx, {
      card: { id: card.id },
      kind: "REWARD",
      delta: -reward.cost,
      idempotencyKey: `reward:${id}`,
      note: reward.title,
      now,
    });
    const expiresAt = new Date(now.getTime() + reward.validDays * DAY_MS);
    // A drawn code that is taken (about one in 10¹¹ per code issued) is simply drawn again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = generateRewardCode();
      const redemption = await insertRedemption(tx, {
        id,
        rewardId: reward.id,
        customerId: request.customerId,
        code,
        cost: reward.cost,
        expiresAt,
        at: now,
        event: {
          type: EventType.rewardRedeemed,
          data: { rewardId: reward.id, title: reward.title, cost: reward.cost, code },
        },
      });
      if (redemption) {
        return {
          redemption,
          reward: {
            id: reward.id,
            title: reward.title,
            kind: reward.kind,
            description: reward.description,
          },
          balance: entry.balanceAfter,
          duplicate: false,
        };
      }
    }
    throw new AppError("conflict", "Could not issue a code; try again");
  });
}
