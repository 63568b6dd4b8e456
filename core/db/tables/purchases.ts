import type { Customer, LoyaltyCard, Purchase, PurchaseRefund } from "../client.ts";
import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";
import { cardFromRow, cardSelectList } from "./loyalty-cards.ts";

/**
 * "Purchase" and "PurchaseRefund", and the customer's purchase metrics that move with them.
 *
 * A purchase counts toward the metrics while some of it is left unrefunded (amountMinor >
 * refundedMinor): purchaseCount counts those, totalSpentMinor sums what is left of each,
 * first/last are their earliest and latest dates, and the average interval is
 * (last − first) / (count − 1) days. `metricsFromPurchasesSql` is that definition as SQL, the one
 * a refund recomputes with and the property test compares the running figures against.
 */

/** The customer and their card, locked for the rest of the transaction (both rows). */
export async function lockCustomerWithCard(
  tx: Sql,
  customerId: string,
): Promise<{ customer: Customer; card: LoyaltyCard } | null> {
  const [row] = await tx.query<Record<string, unknown>>(
    `SELECT c.*, ${cardSelectList("k")}
     FROM "Customer" c JOIN "LoyaltyCard" k ON k."customerId" = c."id"
     WHERE c."id" = $1
     FOR UPDATE OF c, k`,
    [customerId],
  );
  if (!row) return null;
  const card = cardFromRow(row);
  const customer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (!key.includes(".")) customer[key] = value;
  return card ? { customer: customer as Customer, card } : null;
}

export type NewPurchase = Pick<
  Purchase,
  | "id"
  | "customerId"
  | "cardId"
  | "amountMinor"
  | "currency"
  | "staffId"
  | "idempotencyKey"
  | "note"
  | "createdAt"
  | "category"
  | "pointsSpent"
  | "pointsEarned"
> & { earnRule: Record<string, unknown> };

/** Inserts the purchase, or returns null when its idempotency key was recorded before. */
export async function insertPurchase(tx: Sql, purchase: NewPurchase): Promise<Purchase | null> {
  const [row] = await tx.query<Purchase>(
    `INSERT INTO "Purchase" ("id", "customerId", "cardId", "amountMinor", "currency", "staffId",
       "idempotencyKey", "note", "createdAt", "category", "pointsSpent", "pointsEarned", "earnRule")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb)
     ON CONFLICT ("idempotencyKey") DO NOTHING
     RETURNING *`,
    [
      purchase.id,
      purchase.customerId,
      purchase.cardId,
      purchase.amountMinor,
      purchase.currency,
      purchase.staffId,
      purchase.idempotencyKey,
      purchase.note,
      purchase.createdAt,
      purchase.category,
      purchase.pointsSpent,
      purchase.pointsEarned,
      jsonParam(purchase.earnRule),
    ],
  );
  return row ?? null;
}

export async function selectPurchaseByKey(tx: Sql, key: string): Promise<Purchase | null> {
  const [row] = await tx.query<Purchase>(`SELECT * FROM "Purchase" WHERE "idempotencyKey" = $1`, [
    key,
  ]);
  return row ?? null;
}

export async function selectPurchase(sql: Sql, id: string): Promise<Purchase | null> {
  const [row] = await sql.query<Purchase>(`SELECT * FROM "Purchase" WHERE "id" = $1`, [id]);
  return row ?? null;
}

export async function lockPurchase(tx: Sql, id: string): Promise<Purchase | null> {
  const [row] = await tx.query<Purchase>(`SELECT * FROM "Purchase" WHERE "id" = $1 FOR UPDATE`, [
    id,
  ]);
  return row ?? null;
}

/** The customer's latest purchases with something left to refund, newest first. */
export function selectRefundablePurchases(
  sql: Sql,
  customerId: string,
  limit: number,
): Promise<Purchase[]> {
  return sql.query<Purchase>(
    `SELECT * FROM "Purchase"
     WHERE "customerId" = $1 AND "refundedMinor" < "amountMinor"
     ORDER BY "createdAt" DESC, "id" DESC LIMIT $2`,
    [customerId, limit],
  );
}

/** Tier thresholds as the statements below take them: keys and minimum spends, lowest first. */
export type TierLadder = { keys: string[]; minSpent: bigint[] };

/**
 * Counts a new purchase into the customer's metrics and tier spend, and lifts the tier when the
 * spend over the basis reaches a higher one (never lowers it: see core/loyalty/tiers.ts).
 * The spend is summed from the purchases themselves, so a window basis stays exact.
 */
export async function addPurchaseToMetrics(
  tx: Sql,
  options: {
    customerId: string;
    amountMinor: bigint;
    at: Date;
    tierWindowStart: Date | null;
    tiers: TierLadder;
  },
): Promise<Pick<Customer, "tier" | "tierReachedAt" | "tierSpendMinor">> {
  const [row] = await tx.query<Pick<Customer, "tier" | "tierReachedAt" | "tierSpendMinor">>(
    `WITH spend AS (
       SELECT COALESCE(SUM("amountMinor" - "refundedMinor"), 0)::bigint AS "s"
       FROM "Purchase"
       WHERE "customerId" = $1 AND ($2::timestamp IS NULL OR "createdAt" >= $2::timestamp)
     ), reached AS (
       SELECT t."key", t."i" FROM spend, unnest($3::text[], $4::bigint[]) WITH ORDINALITY AS t("key", "min", "i")
       WHERE t."min" <= spend."s" ORDER BY t."i" DESC LIMIT 1
     ), next AS (
       SELECT c."id",
              LEAST(COALESCE(c."firstPurchaseAt", $6), $6) AS "first",
              GREATEST(COALESCE(c."lastPurchaseAt", $6), $6) AS "last",
              c."purchaseCount" + 1 AS "count",
              reached."i" > COALESCE(array_position($3::text[], c."tier"), 1) AS "up",
              reached."key" AS "reachedKey",
              spend."s" AS "spend"
       FROM "Customer" c, spend, reached WHERE c."id" = $1
     )
     UPDATE "Customer" c SET
       "purchaseCount" = next."count",
       "totalSpentMinor" = c."totalSpentMinor" + $5,
       "firstPurchaseAt" = next."first",
       "lastPurchaseAt" = next."last",
       "avgPurchaseIntervalDays" = CASE WHEN next."count" >= 2
         THEN EXTRACT(EPOCH FROM (next."last" - next."first")) / 86400.0 / (next."count" - 1) END,
       "tierSpendMinor" = next."spend",
       "tier" = CASE WHEN next."up" THEN next."reachedKey" ELSE c."tier" END,
       "tierReachedAt" = CASE WHEN next."up" THEN $6 ELSE c."tierReachedAt" END,
       "updatedAt" = $6
     FROM next WHERE c."id" = next."id"
     RETURNING c."tier", c."tierReachedAt", c."tierSpendMinor"`,
    [
      options.customerId,
      options.tierWindowStart,
      options.tiers.keys,
      options.tiers.minSpent.map(String),
      options.amountMinor,
      options.at,
    ],
  );
  if (!row) throw new Error(`customer ${options.customerId} vanished under a lock`);
  return row;
}

/** The metrics' definition (see the top of this module) over one customer's purchases. */
export const metricsFromPurchasesSql = `
  SELECT count(*)::int AS "purchaseCount",
         COALESCE(SUM("amountMinor" - "refundedMinor"), 0)::bigint AS "totalSpentMinor",
         MIN("createdAt") AS "firstPurchaseAt",
         MAX("createdAt") AS "lastPurchaseAt",
         CASE WHEN count(*) >= 2
           THEN EXTRACT(EPOCH FROM (MAX("createdAt") - MIN("createdAt"))) / 86400.0 / (count(*) - 1)
         END AS "avgPurchaseIntervalDays"
  FROM "Purchase" WHERE "customerId" = $1 AND "amountMinor" > "refundedMinor"`;

/**
 * Recomputes the metrics and the tier spend from the purchases (after a refund), and sets the
 * tier given (a refund may take back the tier its purchase brought).
 */
export async function recomputeMetrics(
  tx: Sql,
  options: {
    customerId: string;
    at: Date;
    tierWindowStart: Date | null;
    tier?: { key: string; reachedAt: Date | null };
  },
): Promise<Pick<Customer, "tier" | "tierSpendMinor" | "purchaseCount" | "totalSpentMinor">> {
  const [row] = await tx.query<
    Pick<Customer, "tier" | "tierSpendMinor" | "purchaseCount" | "totalSpentMinor">
  >(
    `WITH m AS (${metricsFromPurchasesSql}),
     spend AS (
       SELECT COALESCE(SUM("amountMinor" - "refundedMinor"), 0)::bigint AS "s" FROM "Purchase"
       WHERE "customerId" = $1 AND ($2::timestamp IS NULL OR "createdAt" >= $2::timestamp)
     )
     UPDATE "Customer" c SET
       "purchaseCount" = m."purchaseCount", "totalSpentMinor" = m."totalSpentMinor",
       "firstPurchaseAt" = m."firstPurchaseAt", "lastPurchaseAt" = m."lastPurchaseAt",
       "avgPurchaseIntervalDays" = m."avgPurchaseIntervalDays",
       "tierSpendMinor" = spend."s",
       "tier" = CASE WHEN $4::boolean THEN $5 ELSE c."tier" END,
       "tierReachedAt" = CASE WHEN $4::boolean THEN $6::timestamp ELSE c."tierReachedAt" END,
       "updatedAt" = $3
     FROM m, spend WHERE c."id" = $1
     RETURNING c."tier", c."tierSpendMinor", c."purchaseCount", c."totalSpentMinor"`,
    [
      options.customerId,
      options.tierWindowStart,
      options.at,
      options.tier !== undefined,
      options.tier?.key ?? null,
      options.tier?.reachedAt ?? null,
    ],
  );
  if (!row) throw new Error(`customer ${options.customerId} vanished under a lock`);
  return row;
}

export type NewRefund = Omit<PurchaseRefund, "createdAt"> & { createdAt: Date };

/** Inserts a refund and adds it to its purchase's refunded sums, in one statement. */
export async function insertRefund(tx: Sql, refund: NewRefund): Promise<PurchaseRefund | null> {
  const [row] = await tx.query<PurchaseRefund>(
    `WITH inserted AS (
       INSERT INTO "PurchaseRefund" ("id", "purchaseId", "customerId", "amountMinor",
         "pointsEarnedReversed", "pointsSpentReturned", "pointsUnrecovered", "staffId",
         "idempotencyKey", "note", "createdAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT ("idempotencyKey") DO NOTHING
       RETURNING *
     ), moved AS (
       UPDATE "Purchase" p SET
         "refundedMinor" = p."refundedMinor" + i."amountMinor",
         "pointsEarnedReversed" = p."pointsEarnedReversed" + i."pointsEarnedReversed" + i."pointsUnrecovered",
         "pointsSpentReturned" = p."pointsSpentReturned" + i."pointsSpentReturned"
       FROM inserted i WHERE p."id" = i."purchaseId"
     )
     SELECT * FROM inserted`,
    [
      refund.id,
      refund.purchaseId,
      refund.customerId,
      refund.amountMinor,
      refund.pointsEarnedReversed,
      refund.pointsSpentReturned,
      refund.pointsUnrecovered,
      refund.staffId,
      refund.idempotencyKey,
      refund.note,
      refund.createdAt,
    ],
  );
  return row ?? null;
}

export async function selectRefundByKey(tx: Sql, key: string): Promise<PurchaseRefund | null> {
  const [row] = await tx.query<PurchaseRefund>(
    `SELECT * FROM "PurchaseRefund" WHERE "idempotencyKey" = $1`,
    [key],
  );
  return row ?? null;
}

/** Sets the customer's tier (a refund taking back the tier its purchase brought). */
export async function setTier(
  tx: Sql,
  options: { customerId: string; tier: string; reachedAt: Date | null; at: Date },
): Promise<void> {
  await tx.query(
    `UPDATE "Customer" SET "tier" = $2, "tierReachedAt" = $3, "updatedAt" = $4 WHERE "id" = $1`,
    [options.customerId, options.tier, options.reachedAt, options.at],
  );
}
