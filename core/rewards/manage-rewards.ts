import { randomUUID } from "node:crypto";
import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { Reward } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import {
  deleteReward,
  insertReward,
  lockRewardWithUse,
  type RewardFields,
  updateReward,
} from "../db/tables/rewards.ts";
import { AppError } from "../errors.ts";

/** The owner's edits of the catalogue; each is audited as `reward.changed`. */

type Defaulted = "description" | "stock" | "perCustomerLimit" | "validDays" | "active";

/** A new reward: what is left out is unlimited, valid for the default days and active. */
export type NewReward = Omit<RewardFields, Defaulted> & Partial<Pick<RewardFields, Defaulted>>;

export const DEFAULT_VALID_DAYS = 30;

export function createReward(
  sql: Sql,
  options: { actor: Actor; reward: NewReward; now?: Date },
): Promise<Reward> {
  requirePermission(options.actor, Permission.manageRewards);
  const now = options.now ?? new Date();
  const fields: RewardFields = {
    description: null,
    stock: null,
    perCustomerLimit: null,
    validDays: DEFAULT_VALID_DAYS,
    active: true,
    ...options.reward,
  };
  return sql.transaction(async (tx) => {
    const reward = await insertReward(tx, { id: randomUUID(), ...fields, at: now });
    await recordAudit(tx, {
      actor: options.actor,
      action: AuditAction.rewardChanged,
      data: { rewardId: reward.id, change: "created", fields },
      now,
    });
    return reward;
  });
}

/**
 * Changes the fields given. Codes already issued keep the cost and expiry they were issued
 * with; a changed stock is the new number left.
 */
export function changeReward(
  sql: Sql,
  options: { actor: Actor; rewardId: string; patch: Partial<RewardFields>; now?: Date },
): Promise<Reward> {
  requirePermission(options.actor, Permission.manageRewards);
  const now = options.now ?? new Date();
  return sql.transaction(async (tx) => {
    const reward = await updateReward(tx, options.rewardId, options.patch, now);
    if (!reward) throw new AppError("not_found", `Reward ${options.rewardId} not found`);
    await recordAudit(tx, {
      actor: options.actor,
      action: AuditAction.rewardChanged,
      data: { rewardId: reward.id, change: "updated", fields: options.patch },
      now,
    });
    return reward;
  });
}

/**
 * Takes a reward out of the catalogue. One that was ever taken is only deactivated — its
 * redemptions (and the codes customers hold, which stay valid until they expire) keep pointing
 * at it; one nobody took is deleted.
 */
export function removeReward(
  sql: Sql,
  options: { actor: Actor; rewardId: string; now?: Date },
): Promise<{ reward: Reward; deleted: boolean }> {
  requirePermission(options.actor, Permission.manageRewards);
  const now = options.now ?? new Date();
  return sql.transaction(async (tx) => {
    const found = await lockRewardWithUse(tx, options.rewardId);
    if (!found) throw new AppError("not_found", `Reward ${options.rewardId} not found`);
    const { redeemed, ...current } = found;
    let result: { reward: Reward; deleted: boolean };
    if (redeemed) {
      const reward = await updateReward(tx, current.id, { active: false }, now);
      result = { reward: reward as Reward, deleted: false };
    } else {
      await deleteReward(tx, current.id);
      result = { reward: current, deleted: true };
    }
    await recordAudit(tx, {
      actor: options.actor,
      action: AuditAction.rewardChanged,
      data: {
        rewardId: current.id,
        change: result.deleted ? "deleted" : "deactivated",
        title: current.title,
      },
      now,
    });
    return result;
  });
}
