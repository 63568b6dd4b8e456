import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { RedemptionStatus } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { type RedemptionView, selectRedemptions } from "../db/tables/reward-redemptions.ts";
import { type RewardWithCounts, selectRewardsWithCounts } from "../db/tables/rewards.ts";
import { AppError } from "../errors.ts";

/** The whole catalogue for the owner, active first, with its redemptions counted by status. */
export function listRewards(
  sql: Sql,
  options: { actor: Actor; active?: boolean | undefined },
): Promise<RewardWithCounts[]> {
  requirePermission(options.actor, Permission.manageRewards);
  return selectRewardsWithCounts(sql, { active: options.active });
}

/** Paging cursor: the last redemption of a page, as `<createdAt ms>_<id>`. */
function encodeCursor(redemption: RedemptionView): string {
  return `${redemption.createdAt.getTime()}_${redemption.id}`;
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const match = /^(\d{1,15})_([0-9a-f-]{36})$/.exec(cursor);
  if (!match?.[1] || !match[2]) {
    throw new AppError("invalid_input", "Bad cursor: pass nextCursor from the previous page");
  }
  return { createdAt: new Date(Number(match[1])), id: match[2] };
}

/** Issued codes, newest first, filtered by status, customer and reward. */
export async function listRedemptions(
  sql: Sql,
  options: {
    actor: Actor;
    status?: RedemptionStatus | undefined;
    customerId?: string | undefined;
    rewardId?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<{ redemptions: RedemptionView[]; nextCursor: string | null }> {
  requirePermission(options.actor, Permission.manageRewards);
  const rows = await selectRedemptions(sql, {
    status: options.status,
    customerId: options.customerId,
    rewardId: options.rewardId,
    before: options.cursor ? decodeCursor(options.cursor) : undefined,
    limit: options.limit + 1,
  });
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    redemptions: page,
    nextCursor: rows.length > options.limit && last ? encodeCursor(last) : null,
  };
}
