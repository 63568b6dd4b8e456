import type { PointsEntry, PointsKind } from "../client.ts";
import type { Sql } from "../sql.ts";

/**
 * "PointsEntry": the append-only points ledger (a trigger rejects UPDATE and DELETE). Each row
 * records the card's balance after it; the card's `balance` column moves in the same statement.
 */

export type NewEntry = {
  /** The card by id, or the customer's card, which must then be ACTIVE. */
  card: { id: string } | { activeCardOfCustomer: string };
  kind: PointsKind;
  /** Positive to credit, negative to debit. */
  delta: number;
  idempotencyKey: string;
  purchaseId?: string | null;
  staffId?: string | null;
  note?: string | null;
  at: Date;
};

/**
 * Moves the balance and appends the entry in one statement, or does nothing and returns null
 * when the key was used before, the balance would go negative or there is no such card.
 * Two concurrent posts with the same key: the second fails with a unique violation and its
 * balance move is rolled back with it.
 */
export async function insertEntryMovingBalance(
  sql: Sql,
  entry: NewEntry,
): Promise<PointsEntry | null> {
  const byId = "id" in entry.card;
  const [row] = await sql.query<PointsEntry>(
    `WITH moved AS (
       UPDATE "LoyaltyCard" SET "balance" = "balance" + $2
       WHERE ${byId ? `"id" = $1::uuid` : `"customerId" = $1::uuid AND "status" = 'ACTIVE'`}
         AND "balance" + $2 >= 0
         AND NOT EXISTS (SELECT 1 FROM "PointsEntry" WHERE "idempotencyKey" = $3)
       RETURNING "id", "customerId", "balance"
     )
     INSERT INTO "PointsEntry"
       ("cardId", "customerId", "kind", "delta", "balanceAfter", "idempotencyKey",
        "purchaseId", "staffId", "note", "createdAt")
     SELECT "id", "customerId", $4::"PointsKind", $2, "balance", $3, $5::uuid, $6::uuid, $7, $8
     FROM moved
     RETURNING *`,
    [
      "id" in entry.card ? entry.card.id : entry.card.activeCardOfCustomer,
      entry.delta,
      entry.idempotencyKey,
      entry.kind,
      entry.purchaseId ?? null,
      entry.staffId ?? null,
      entry.note ?? null,
      entry.at,
    ],
  );
  return row ?? null;
}

export async function findEntryByKey(
  sql: Sql,
  idempotencyKey: string,
): Promise<PointsEntry | null> {
  const [row] = await sql.query<PointsEntry>(
    `SELECT * FROM "PointsEntry" WHERE "idempotencyKey" = $1`,
    [idempotencyKey],
  );
  return row ?? null;
}

export type HistoryRow = {
  total: number;
  page: number;
  createdAt: Date | null;
  kind: PointsKind | null;
  delta: number | null;
  balanceAfter: number | null;
  purchaseAmountMinor: bigint | null;
};

/**
 * One page of a customer's entries, newest first, with the purchase amount each belongs to and
 * the total count, in one statement. A page past the end is clamped to the last one. Always
 * returns at least one row (with null entry fields when there are no entries).
 */
export async function selectHistoryPage(
  sql: Sql,
  options: { customerId: string; page: number; pageSize: number },
): Promise<HistoryRow[]> {
  return sql.query<HistoryRow>(
    `WITH counted AS (
       SELECT count(*)::int AS "total" FROM "PointsEntry" WHERE "customerId" = $1
     ), paged AS (
       SELECT "total",
              LEAST(GREATEST($2::int, 1), GREATEST(CEIL("total"::numeric / $3)::int, 1)) AS "page"
       FROM counted
     )
     SELECT paged."total", paged."page", e."createdAt", e."kind", e."delta", e."balanceAfter",
            p."amountMinor" AS "purchaseAmountMinor"
     FROM paged
     LEFT JOIN LATERAL (
       SELECT * FROM "PointsEntry" WHERE "customerId" = $1
       ORDER BY "createdAt" DESC, "id" DESC
       LIMIT $3 OFFSET (paged."page" - 1) * $3
     ) e ON true
     LEFT JOIN "Purchase" p ON p."id" = e."purchaseId"
     ORDER BY e."createdAt" DESC, e."id" DESC`,
    [options.customerId, Math.floor(options.page), options.pageSize],
  );
}

/** Points earned by purchases since `since` and not yet taken back: still pending. */
export async function selectPendingPurchasePoints(
  sql: Sql,
  customerId: string,
  since: Date,
): Promise<number> {
  const [row] = await sql.query<{ pending: number }>(
    `SELECT COALESCE(SUM("delta"), 0)::int AS "pending" FROM "PointsEntry"
     WHERE "customerId" = $1 AND "kind" = 'PURCHASE' AND "createdAt" > $2`,
    [customerId, since],
  );
  return row?.pending ?? 0;
}
