import { AuditAction, recordAudit } from "../access/audit.ts";
import {
  type Actor,
  Permission,
  requireNotOwnCard,
  requirePermission,
} from "../access/permissions.ts";
import type { Sql } from "../db/sql.ts";
import {
  lockRedemptionByCode,
  markRedemptionUsed,
  type RedemptionView,
  selectRedemptionByCode,
  selectRedemptionById,
} from "../db/tables/reward-redemptions.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { parseRewardCode } from "./code.ts";

/** Where a code stands for staff at the till. */
export type RedemptionState = "usable" | "used" | "expired";

export function redemptionState(redemption: RedemptionView, now: Date): RedemptionState {
  if (redemption.status === "USED") return "used";
  // Past its time but not yet swept by the expiry job: already expired for the till.
  if (redemption.status === "EXPIRED" || redemption.expiresAt <= now) return "expired";
  return "usable";
}

function notFound(): AppError {
  return new AppError("not_found", "No such reward code");
}

/** The code as staff see it before marking it used (a scanned QR or a typed code). */
export async function findRedemptionForStaff(
  sql: Sql,
  options: { actor: Actor; code: string },
): Promise<RedemptionView> {
  requirePermission(options.actor, Permission.redeemReward);
  const code = parseRewardCode(options.code);
  const redemption = code ? await selectRedemptionByCode(sql, code) : null;
  if (!redemption) throw notFound();
  return redemption;
}

/**
 * Staff mark a code used: once. A used code says when and by whom, an expired one that it
 * expired (both `conflict` with `details.reason`), and nobody marks a code on their own card.
 * The row is locked, so two staff pressing at once mark it once; audited as `reward.used`.
 */
export async function useRedemption(
  sql: Sql,
  options: { actor: Actor; code: string; now?: Date },
): Promise<RedemptionView> {
  const { actor } = options;
  requirePermission(actor, Permission.redeemReward);
  const code = parseRewardCode(options.code);
  if (!code) throw notFound();
  const now = options.now ?? new Date();
  return sql.transaction(async (tx) => {
    const redemption = await lockRedemptionByCode(tx, code);
    if (!redemption) throw notFound();
    requireNotOwnCard(actor, redemption.customerId);
    const state = redemptionState(redemption, now);
    if (state === "used") {
      // Read again: a row used while this call waited for its lock comes back with the new
      // status but the joined names of the snapshot taken before the wait.
      const used = (await selectRedemptionById(tx, redemption.id)) ?? redemption;
      throw new AppError("conflict", "This code was already used", {
        reason: "already_used",
        usedAt: used.usedAt?.toISOString() ?? null,
        usedBy: used.usedByName,
      });
    }
    if (state === "expired") {
      throw new AppError("conflict", "This code has expired", {
        reason: "expired",
        expiresAt: redemption.expiresAt.toISOString(),
      });
    }
    const data = {
      redemptionId: redemption.id,
      rewardId: redemption.rewardId,
      title: redemption.rewardTitle,
      code,
      cost: redemption.cost,
    };
    const used = await markRedemptionUsed(tx, {
      id: redemption.id,
      staffId: actor.staffId,
      at: now,
      event: { type: EventType.rewardUsed, data },
    });
    await recordAudit(tx, {
      actor,
      action: AuditAction.rewardUsed,
      customerId: redemption.customerId,
      data,
      now,
    });
    return { ...redemption, ...used };
  });
}
