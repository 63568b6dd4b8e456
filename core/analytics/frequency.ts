import type { Sql } from "../db/sql.ts";

export type Bucket = { label: string; customers: number };
export type GapBucket = { label: string; gaps: number };

export type PurchaseFrequency = {
  buyers: number;
  /** How many customers made 1, 2, 3, 4, 5–9 and 10+ purchases. */
  purchasesPerCustomer: Bucket[];
  /** How many days passed between a customer's consecutive purchases. */
  daysBetweenPurchases: GapBucket[];
  medianDaysBetween: number | null;
};

const PER_CUSTOMER = ["1", "2", "3", "4", "5-9", "10+"];
const GAPS = ["0-7", "8-14", "15-30", "31-60", "61-90", "91-180", "181+"];

/** Two histograms over all purchases: purchases per customer, and days between purchases. */
export async function purchaseFrequency(sql: Sql): Promise<PurchaseFrequency> {
  const [counts, gaps] = await Promise.all([
    sql.query<{ bucket: string; customers: number }>(
      `SELECT CASE WHEN "n" >= 10 THEN '10+' WHEN "n" >= 5 THEN '5-9' ELSE "n"::text END AS "bucket",
              count(*)::int AS "customers"
       FROM (SELECT "customerId", count(*) AS "n" FROM "Purchase" GROUP BY "customerId") per
       GROUP BY 1`,
    ),
    sql.query<{ bucket: string | null; gaps: number; median: number | null }>(
      `WITH gaps AS (
         SELECT extract(epoch FROM "createdAt" - lag("createdAt") OVER (PARTITION BY "customerId" ORDER BY "createdAt")) / 86400 AS "days"
         FROM "Purchase"
       ), known AS (SELECT floor("days")::int AS "days" FROM gaps WHERE "days" IS NOT NULL)
       SELECT CASE WHEN "days" <= 7 THEN '0-7' WHEN "days" <= 14 THEN '8-14'
                   WHEN "days" <= 30 THEN '15-30' WHEN "days" <= 60 THEN '31-60'
                   WHEN "days" <= 90 THEN '61-90' WHEN "days" <= 180 THEN '91-180'
                   ELSE '181+' END AS "bucket",
              count(*)::int AS "gaps",
              (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY "days") FROM known)::int AS "median"
       FROM known GROUP BY 1`,
    ),
  ]);
  const perCustomer = new Map(counts.map((row) => [row.bucket, row.customers]));
  const perGap = new Map(gaps.map((row) => [row.bucket, row.gaps]));
  return {
    buyers: counts.reduce((sum, row) => sum + row.customers, 0),
    purchasesPerCustomer: PER_CUSTOMER.map((label) => ({
      label,
      customers: perCustomer.get(label) ?? 0,
    })),
    daysBetweenPurchases: GAPS.map((label) => ({ label, gaps: perGap.get(label) ?? 0 })),
    medianDaysBetween: gaps[0]?.median ?? null,
  };
}
