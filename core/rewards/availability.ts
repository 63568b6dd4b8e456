import type { RewardForCustomer } from "../db/tables/rewards.ts";
import { AppError } from "../errors.ts";

/** Why a customer cannot take a reward right now; each has its own message in the bot. */
export type Unavailable = "inactive" | "out_of_stock" | "limit_reached" | "insufficient_points";

/** The first reason the customer cannot take the reward, or null when they can. */
export function whyUnavailable(reward: RewardForCustomer, spendable: number): Unavailable | null {
  if (!reward.active) return "inactive";
  if (reward.stock !== null && reward.stock <= 0) return "out_of_stock";
  if (reward.perCustomerLimit !== null && reward.taken >= reward.perCustomerLimit) {
    return "limit_reached";
  }
  if (spendable < reward.cost) return "insufficient_points";
  return null;
}

const messages: Record<Unavailable, string> = {
  inactive: "This reward is no longer offered",
  out_of_stock: "This reward is out of stock",
  limit_reached: "The customer has taken this reward as many times as allowed",
  insufficient_points: "Not enough points for this reward",
};

/**
 * The error for a reason, with `details.reason` naming it (the bot words each reason, the API
 * answers 409). Not enough points keeps the ledger's own code.
 */
export function unavailableError(
  reason: Unavailable,
  reward: RewardForCustomer,
  spendable: number,
): AppError {
  const details = {
    reason,
    rewardId: reward.id,
    title: reward.title,
    cost: reward.cost,
    spendable,
    ...(reward.perCustomerLimit !== null ? { limit: reward.perCustomerLimit } : {}),
  };
  return new AppError(
    reason === "insufficient_points" ? "insufficient_points" : "conflict",
    messages[reason],
    details,
  );
}
