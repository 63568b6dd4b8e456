import type { Sql } from "../sql.ts";

/**
 * RFM scores over "Customer", for a batch of customers in one statement: among the customers who bought (purchaseCount
 * > 0, not deleted), quintiles by recency (the longest since the last purchase = 1, the most
 * recent = 5), frequency (purchaseCount) and monetary value (totalSpentMinor), 5 = the best
 * fifth. Ties are split by id, so the same data always scores the same. Everyone else gets
 * nulls (written only where something was set, so the nightly run rewrites buyers only).
 */
export async function updateRfmScores(
  tx: Sql,
  at: Date,
  /** The batch of customers to write; the quintiles are always over all buyers. */
  customerIds: readonly string[],
): Promise<{ scored: number; cleared: number }> {
  const [row] = await tx.query<{ scored: number; cleared: number }>(
    `WITH scored AS (
       SELECT "id",
              ntile(5) OVER (ORDER BY "lastPurchaseAt" ASC NULLS FIRST, "id") AS "r",
              ntile(5) OVER (ORDER BY "purchaseCount", "id") AS "f",
              ntile(5) OVER (ORDER BY "totalSpentMinor", "id") AS "m"
       FROM "Customer" WHERE "purchaseCount" > 0 AND "deletedAt" IS NULL
     ), target AS (
       SELECT c."id", s."r", s."f", s."m"
       FROM "Customer" c LEFT JOIN scored s ON s."id" = c."id"
       WHERE c."id" = ANY($2::uuid[]) AND (s."id" IS NOT NULL
          OR c."rfmRecency" IS NOT NULL OR c."rfmFrequency" IS NOT NULL
          OR c."rfmMonetary" IS NOT NULL OR c."rfmComputedAt" IS NOT NULL)
     ), changed AS (
       UPDATE "Customer" c SET
         "rfmRecency" = t."r", "rfmFrequency" = t."f", "rfmMonetary" = t."m",
         "rfmComputedAt" = CASE WHEN t."r" IS NULL THEN NULL ELSE $1::timestamp END
       FROM target t WHERE c."id" = t."id"
       RETURNING t."r"
     )
     SELECT count("r")::int AS "scored", (count(*) - count("r"))::int AS "cleared" FROM changed`,
    [at, customerIds],
  );
  return row ?? { scored: 0, cleared: 0 };
}
