import type { EventType } from "../../events.ts";
import type { RedemptionStatus, RewardKind, RewardRedemption } from "../client.ts";
import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";

/** "RewardRedemption": a reward a customer took, with the code they show at the till. */

/** A redemption with what staff and the customer see about it. */
export type RedemptionView = RewardRedemption & {
  rewardTitle: string;
  rewardKind: RewardKind;
  rewardDescription: string | null;
  customerName: string | null;
  usedByName: string | null;
};

const viewColumns = `rr.*, r."title" AS "rewardTitle", r."kind" AS "rewardKind",
  r."description" AS "rewardDescription", c."name" AS "customerName", s."name" AS "usedByName"`;
const viewJoins = `JOIN "Reward" r ON r."id" = rr."rewardId"
  JOIN "Customer" c ON c."id" = rr."customerId"
  LEFT JOIN "StaffMember" s ON s."id" = rr."usedById"`;

export async function selectRedemptionById(sql: Sql, id: string): Promise<RedemptionView | null> {
  const [row] = await sql.query<RedemptionView>(
    `SELECT ${viewColumns} FROM "RewardRedemption" rr ${viewJoins} WHERE rr."id" = $1::uuid`,
    [id],
  );
  return row ?? null;
}

export async function selectRedemptionByCode(
  sql: Sql,
  code: string,
): Promise<RedemptionView | null> {
  const [row] = await sql.query<RedemptionView>(
    `SELECT ${viewColumns} FROM "RewardRedemption" rr ${viewJoins} WHERE rr."code" = $1`,
    [code],
  );
  return row ?? null;
}

/** The redemption with this code, locked until the transaction ends (marking it used). */
export async function lockRedemptionByCode(tx: Sql, code: string): Promise<RedemptionView | null> {
  const [row] = await tx.query<RedemptionView>(
    `SELECT ${viewColumns} FROM "RewardRedemption" rr ${viewJoins} WHERE rr."code" = $1
     FOR UPDATE OF rr`,
    [code],
  );
  return row ?? null;
}

/**
 * Issues the code, takes one off the reward's stock (when it is counted) and writes the
 * timeline event, in one statement. Returns null when the code is taken by another
 * redemption: draw another and call again.
 */
export async function insertRedemption(
  tx: Sql,
  redemption: {
    id: string;
    rewardId: string;
    customerId: string;
    code: string;
    cost: number;
    expiresAt: Date;
    at: Date;
    event: { type: EventType; data: Record<string, unknown> };
  },
): Promise<RewardRedemption | null> {
  const [row] = await tx.query<RewardRedemption>(
    `WITH inserted AS (
       INSERT INTO "RewardRedemption"
         ("id", "rewardId", "customerId", "code", "cost", "status", "expiresAt", "createdAt")
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, 'ISSUED', $6, $7)
       ON CONFLICT ("code") DO NOTHING
       RETURNING *
     ), stock AS (
       UPDATE "Reward" SET "stock" = "stock" - 1
       WHERE "id" IN (SELECT "rewardId" FROM inserted) AND "stock" IS NOT NULL
     ), event AS (
       INSERT INTO "CustomerEvent" ("customerId", "type", "data", "createdAt")
       SELECT "customerId", $8, $9::jsonb, $7 FROM inserted
     )
     SELECT * FROM inserted`,
    [
      redemption.id,
      redemption.rewardId,
      redemption.customerId,
      redemption.code,
      redemption.cost,
      redemption.expiresAt,
      redemption.at,
      redemption.event.type,
      jsonParam(redemption.event.data),
    ],
  );
  return row ?? null;
}

/**
 * Marks the code used by this staff member and writes the timeline event, in one statement;
 * returns the row with the staff member's name.
 */
export async function markRedemptionUsed(
  tx: Sql,
  options: {
    id: string;
    staffId: string | null;
    at: Date;
    event: { type: EventType; data: Record<string, unknown> };
  },
): Promise<RewardRedemption & { usedByName: string | null }> {
  const [row] = await tx.query<RewardRedemption & { usedByName: string | null }>(
    `WITH used AS (
       UPDATE "RewardRedemption" SET "status" = 'USED', "usedAt" = $3, "usedById" = $2::uuid
       WHERE "id" = $1::uuid AND "status" = 'ISSUED'
       RETURNING *
     ), event AS (
       INSERT INTO "CustomerEvent" ("customerId", "type", "data", "staffId", "createdAt")
       SELECT "customerId", $4, $5::jsonb, $2::uuid, $3 FROM used
     )
     SELECT used.*, (SELECT "name" FROM "StaffMember" WHERE "id" = used."usedById") AS "usedByName"
     FROM used`,
    [options.id, options.staffId, options.at, options.event.type, jsonParam(options.event.data)],
  );
  return row as RewardRedemption & { usedByName: string | null };
}

/** Ids of issued codes whose time ran out, oldest first. */
export async function selectDueRedemptionIds(
  sql: Sql,
  now: Date,
  limit: number,
): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `SELECT "id" FROM "RewardRedemption"
     WHERE "status" = 'ISSUED' AND "expiresAt" <= $1
     ORDER BY "expiresAt", "id" LIMIT $2`,
    [now, limit],
  );
  return rows.map((row) => row.id);
}

/**
 * The redemption, locked, if it is still issued and due; null when another process has it or
 * it was used or expired meanwhile.
 */
export async function lockDueRedemption(
  tx: Sql,
  id: string,
  now: Date,
): Promise<RedemptionView | null> {
  const [row] = await tx.query<RedemptionView>(
    `SELECT ${viewColumns} FROM "RewardRedemption" rr ${viewJoins}
     WHERE rr."id" = $1::uuid AND rr."status" = 'ISSUED' AND rr."expiresAt" <= $2
     FOR UPDATE OF rr SKIP LOCKED`,
    [id, now],
  );
  return row ?? null;
}

/** Marks the code expired and writes the timeline event, in one statement. */
export async function markRedemptionExpired(
  tx: Sql,
  options: { id: string; at: Date; event: { type: EventType; data: Record<string, unknown> } },
): Promise<void> {
  await tx.query(
    `WITH expired AS (
       UPDATE "RewardRedemption" SET "status" = 'EXPIRED'
       WHERE "id" = $1::uuid AND "status" = 'ISSUED'
       RETURNING *
     )
     INSERT INTO "CustomerEvent" ("customerId", "type", "data", "createdAt")
     SELECT "customerId", $3, $4::jsonb, $2 FROM expired`,
    [options.id, options.at, options.event.type, jsonParam(options.event.data)],
  );
}

/** The customer's codes that can still be used at the till, soonest to expire first. */
export function selectUsableRedemptions(
  sql: Sql,
  customerId: string,
  now: Date,
): Promise<RedemptionView[]> {
  return sql.query<RedemptionView>(
    `SELECT ${viewColumns} FROM "RewardRedemption" rr ${viewJoins}
     WHERE rr."customerId" = $1::uuid AND rr."status" = 'ISSUED' AND rr."expiresAt" > $2
     ORDER BY rr."expiresAt", rr."id"`,
    [customerId, now],
  );
}

export type RedemptionFilter = {
  status?: RedemptionStatus | undefined;
  customerId?: string | undefined;
  rewardId?: string | undefined;
  /** Redemptions issued before this one (the previous page's last), newest first. */
  before?: { createdAt: Date; id: string } | undefined;
  limit: number;
};

export function selectRedemptions(sql: Sql, filter: RedemptionFilter): Promise<RedemptionView[]> {
  return sql.query<RedemptionView>(
    `SELECT ${viewColumns} FROM "RewardRedemption" rr ${viewJoins}
     WHERE ($1::"RedemptionStatus" IS NULL OR rr."status" = $1::"RedemptionStatus")
       AND ($2::uuid IS NULL OR rr."customerId" = $2::uuid)
       AND ($3::uuid IS NULL OR rr."rewardId" = $3::uuid)
       AND ($4::timestamp IS NULL OR (rr."createdAt", rr."id") < ($4::timestamp, $5::uuid))
     ORDER BY rr."createdAt" DESC, rr."id" DESC
     LIMIT $6`,
    [
      filter.status ?? null,
      filter.customerId ?? null,
      filter.rewardId ?? null,
      filter.before?.createdAt ?? null,
      filter.before?.id ?? null,
      filter.limit,
    ],
  );
}
