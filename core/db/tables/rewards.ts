import type { Reward, RewardKind } from "../client.ts";
import type { Sql } from "../sql.ts";

/** "Reward": the catalogue of what points can be exchanged for. */

/** A reward with how many of it one customer holds or has used (what their limit counts). */
export type RewardForCustomer = Reward & { taken: number };

const takenBy = (customer: string) =>
  `(SELECT count(*)::int FROM "RewardRedemption" x
    WHERE x."rewardId" = r."id" AND x."customerId" = ${customer}::uuid
      AND x."status" IN ('ISSUED', 'USED'))`;

/** The active catalogue, cheapest first, with what this customer has taken of each. */
export function selectActiveRewardsForCustomer(
  sql: Sql,
  customerId: string,
): Promise<RewardForCustomer[]> {
  return sql.query<RewardForCustomer>(
    `SELECT r.*, ${takenBy("$1")} AS "taken"
     FROM "Reward" r WHERE r."active"
     ORDER BY r."cost", r."title", r."id"`,
    [customerId],
  );
}

export async function selectRewardForCustomer(
  sql: Sql,
  rewardId: string,
  customerId: string,
): Promise<RewardForCustomer | null> {
  const [row] = await sql.query<RewardForCustomer>(
    `SELECT r.*, ${takenBy("$2")} AS "taken" FROM "Reward" r WHERE r."id" = $1::uuid`,
    [rewardId, customerId],
  );
  return row ?? null;
}

/**
 * The reward, locked until the transaction ends, so its stock is taken one at a time. The
 * count of the customer's redemptions is only current if the caller already serialised that
 * customer (redeemReward locks their card first): the subquery reads the snapshot taken before
 * a wait on the lock.
 */
export async function lockRewardForCustomer(
  tx: Sql,
  rewardId: string,
  customerId: string,
): Promise<RewardForCustomer | null> {
  const [row] = await tx.query<RewardForCustomer>(
    `SELECT r.*, ${takenBy("$2")} AS "taken" FROM "Reward" r WHERE r."id" = $1::uuid
     FOR UPDATE OF r`,
    [rewardId, customerId],
  );
  return row ?? null;
}

/** Puts one back on the shelf (an expired code), unless the stock is unlimited. */
export async function returnRewardStock(tx: Sql, rewardId: string): Promise<void> {
  await tx.query(
    `UPDATE "Reward" SET "stock" = "stock" + 1 WHERE "id" = $1 AND "stock" IS NOT NULL`,
    [rewardId],
  );
}

/** What the owner edits. */
export type RewardFields = {
  kind: RewardKind;
  title: string;
  description: string | null;
  cost: number;
  stock: number | null;
  perCustomerLimit: number | null;
  validDays: number;
  active: boolean;
};

const editable = [
  "kind",
  "title",
  "description",
  "cost",
  "stock",
  "perCustomerLimit",
  "validDays",
  "active",
] as const satisfies ReadonlyArray<keyof RewardFields>;

export async function insertReward(
  sql: Sql,
  reward: RewardFields & { id: string; at: Date },
): Promise<Reward> {
  const [row] = await sql.query<Reward>(
    `INSERT INTO "Reward" ("id", ${editable.map((c) => `"${c}"`).join(", ")}, "createdAt", "updatedAt")
     VALUES ($1, $2::"RewardKind", $3, $4, $5, $6, $7, $8, $9, $10, $10)
     RETURNING *`,
    [reward.id, ...editable.map((column) => reward[column]), reward.at],
  );
  return row as Reward;
}

/** Changes the fields given; null when there is no such reward. */
export async function updateReward(
  sql: Sql,
  id: string,
  patch: Partial<RewardFields>,
  at: Date,
): Promise<Reward | null> {
  const params: unknown[] = [id, at];
  const sets = editable
    .filter((column) => patch[column] !== undefined)
    .map((column) => {
      params.push(patch[column]);
      return `"${column}" = $${params.length}${column === "kind" ? `::"RewardKind"` : ""}`;
    });
  const [row] = await sql.query<Reward>(
    `UPDATE "Reward" SET ${[...sets, `"updatedAt" = $2`].join(", ")}
     WHERE "id" = $1::uuid RETURNING *`,
    params,
  );
  return row ?? null;
}

/** The reward, locked, with whether anyone ever took it (then its row must stay). */
export async function lockRewardWithUse(
  tx: Sql,
  id: string,
): Promise<(Reward & { redeemed: boolean }) | null> {
  const [row] = await tx.query<Reward & { redeemed: boolean }>(
    `SELECT r.*, EXISTS (SELECT 1 FROM "RewardRedemption" x WHERE x."rewardId" = r."id") AS "redeemed"
     FROM "Reward" r WHERE r."id" = $1::uuid FOR UPDATE OF r`,
    [id],
  );
  return row ?? null;
}

export async function deleteReward(tx: Sql, id: string): Promise<void> {
  await tx.query(`DELETE FROM "Reward" WHERE "id" = $1::uuid`, [id]);
}

/** A reward with its redemptions counted by status, for the owner's list. */
export type RewardWithCounts = Reward & { issued: number; used: number; expired: number };

export function selectRewardsWithCounts(
  sql: Sql,
  filter: { active?: boolean | undefined },
): Promise<RewardWithCounts[]> {
  return sql.query<RewardWithCounts>(
    `SELECT r.*,
       count(x."id") FILTER (WHERE x."status" = 'ISSUED')::int AS "issued",
       count(x."id") FILTER (WHERE x."status" = 'USED')::int AS "used",
       count(x."id") FILTER (WHERE x."status" = 'EXPIRED')::int AS "expired"
     FROM "Reward" r LEFT JOIN "RewardRedemption" x ON x."rewardId" = r."id"
     WHERE ($1::boolean IS NULL OR r."active" = $1::boolean)
     GROUP BY r."id"
     ORDER BY r."active" DESC, r."cost", r."title", r."id"`,
    [filter.active ?? null],
  );
}
