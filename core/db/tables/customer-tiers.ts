import type { Sql } from "../sql.ts";

/**
 * The nightly tier review over "Customer" and "Purchase", for a batch of customers in one
 * statement: the spend counted
 * toward the tier (Σ amount − refunded over the purchases since the window start, or ever),
 * and the downgrades that core/loyalty/tiers.ts's tierAfterReview decides, with their timeline
 * events. Never raises a tier (that comes with a purchase). Rows a purchase or refund changed
 * after the statement began are left alone: theirs is the newer word (the WHERE is re-checked
 * against the row that purchase committed).
 */
export async function reviewTiersOf(
  tx: Sql,
  options: {
    /** The customers to review (a batch of the whole table). */
    customerIds: readonly string[];
    /** null = lifetime basis: spend never falls, nobody moves down. */
    windowStart: Date | null;
    /** Tier keys and the spend each needs, lowest first (the lowest needs 0). */
    keys: readonly string[];
    minSpentMinor: readonly bigint[];
    eventType: string;
    at: Date;
  },
): Promise<{ updated: number; downgraded: number }> {
  const [row] = await tx.query<{ updated: number; downgraded: number }>(
    `WITH spend AS (
       SELECT "customerId", SUM("amountMinor" - "refundedMinor")::bigint AS "spend"
       FROM "Purchase"
       WHERE "customerId" = ANY($6::uuid[])
         AND ($1::timestamp IS NULL OR "createdAt" >= $1::timestamp)
       GROUP BY "customerId"
     ), reviewed AS (
       SELECT c."id", c."tier", c."tierSpendMinor", c."tierReachedAt",
              COALESCE(s."spend", 0)::bigint AS "spend",
              COALESCE(array_position($2::text[], c."tier"), 1) AS "currentRank"
       FROM "Customer" c LEFT JOIN spend s ON s."customerId" = c."id"
       WHERE c."id" = ANY($6::uuid[]) AND c."deletedAt" IS NULL
         AND (s."customerId" IS NOT NULL OR c."tierSpendMinor" <> 0 OR c."tier" <> ($2::text[])[1])
     ), ranked AS (
       SELECT r.*,
              (SELECT count(*) FROM unnest($3::bigint[]) AS m("min") WHERE m."min" <= r."spend")::int
                AS "reachedRank"
       FROM reviewed r
     ), decided AS (
       SELECT "id", "tier", "tierSpendMinor", "spend",
              CASE WHEN $1::timestamp IS NOT NULL AND "reachedRank" < "currentRank"
                        AND ("tierReachedAt" IS NULL OR "tierReachedAt" <= $1::timestamp)
                   THEN ($2::text[])["reachedRank"] END AS "downTo"
       FROM ranked
     ), changed AS (
       UPDATE "Customer" c SET
         "tierSpendMinor" = d."spend",
         "tier" = COALESCE(d."downTo", c."tier"),
         "tierReachedAt" = CASE WHEN d."downTo" IS NOT NULL THEN $4::timestamp
                                ELSE c."tierReachedAt" END,
         "updatedAt" = $4::timestamp
       FROM decided d
       WHERE c."id" = d."id"
         AND (d."downTo" IS NOT NULL OR c."tierSpendMinor" <> d."spend")
         AND c."tier" = d."tier" AND c."tierSpendMinor" = d."tierSpendMinor"
       RETURNING c."id", d."tier" AS "from", d."downTo", d."spend"
     ), events AS (
       INSERT INTO "CustomerEvent" ("customerId", "type", "data", "createdAt")
       SELECT "id", $5,
              jsonb_build_object('from', "from", 'to', "downTo", 'reason', 'review',
                                 'spendMinor', "spend"::text),
              $4::timestamp
       FROM changed WHERE "downTo" IS NOT NULL
     )
     SELECT count(*)::int AS "updated", count("downTo")::int AS "downgraded" FROM changed`,
    [
      options.windowStart,
      options.keys,
      options.minSpentMinor.map(String),
      options.at,
      options.eventType,
      options.customerIds,
    ],
  );
  return row ?? { updated: 0, downgraded: 0 };
}
