import type { Sql } from "../db/sql.ts";
import { money, ratio } from "./period.ts";

export type SourceFigures = {
  /** The deep-link code customers came with ("instagram"); null = none (direct, walk-in…). */
  source: string | null;
  customers: number;
  buyers: number;
  purchases: number;
  revenueMinor: string;
  averageCheckMinor: string;
  revenuePerCustomerMinor: string;
  revenuePerBuyerMinor: string;
  /** buyers / customers, 0–1. */
  conversion: number;
};

/**
 * Customers and revenue (net of refunds) by acquisition source, most valuable sources first:
 * which channels bring customers who buy, and buy more. Over customers who are not deleted;
 * purchases in [from, to) when given.
 */
export async function revenueBySource(
  sql: Sql,
  range: { from?: Date; to?: Date } = {},
): Promise<SourceFigures[]> {
  const rows = await sql.query<{
    source: string | null;
    customers: number;
    buyers: number;
    purchases: number;
    revenue: string;
  }>(
    `WITH per AS (
       SELECT "customerId", count(*) AS "n", sum("amountMinor" - "refundedMinor") AS "revenue"
       FROM "Purchase"
       WHERE ($1::timestamp IS NULL OR "createdAt" >= $1) AND ($2::timestamp IS NULL OR "createdAt" < $2)
       GROUP BY "customerId"
     )
     SELECT NULLIF(c."source", '') AS "source", count(*)::int AS "customers",
            count(per."n")::int AS "buyers", COALESCE(sum(per."n"), 0)::int AS "purchases",
            COALESCE(sum(per."revenue"), 0)::text AS "revenue"
     FROM "Customer" c LEFT JOIN per ON per."customerId" = c."id"
     WHERE c."status" IN ('ACTIVE', 'ONBOARDING')
     GROUP BY 1
     ORDER BY COALESCE(sum(per."revenue"), 0) / count(*) DESC, count(*) DESC, 1 NULLS LAST`,
    [range.from ?? null, range.to ?? null],
  );
  return rows.map((row) => ({
    source: row.source,
    customers: row.customers,
    buyers: row.buyers,
    purchases: row.purchases,
    revenueMinor: money(row.revenue),
    averageCheckMinor: ratio(row.revenue, row.purchases),
    revenuePerCustomerMinor: ratio(row.revenue, row.customers),
    revenuePerBuyerMinor: ratio(row.revenue, row.buyers),
    conversion: row.customers ? Math.round((row.buyers / row.customers) * 1000) / 1000 : 0,
  }));
}
