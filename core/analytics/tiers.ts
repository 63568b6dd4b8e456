import type { Sql } from "../db/sql.ts";
import { money, ratio } from "./period.ts";

export type TierFigures = {
  tier: string;
  customers: number;
  purchases: number;
  spentMinor: string;
  averageSpentMinor: string;
};

/** Customers and their lifetime spend per loyalty tier (customers not deleted). */
export async function customersByTier(sql: Sql): Promise<TierFigures[]> {
  const rows = await sql.query<{
    tier: string;
    customers: number;
    purchases: number;
    spent: string;
  }>(
    `SELECT "tier", count(*)::int AS "customers", COALESCE(sum("purchaseCount"), 0)::int AS "purchases",
            COALESCE(sum("totalSpentMinor"), 0)::text AS "spent"
     FROM "Customer"
     WHERE "status" IN ('ACTIVE', 'ONBOARDING')
     GROUP BY "tier"
     ORDER BY sum("totalSpentMinor") DESC, "tier"`,
  );
  return rows.map((row) => ({
    tier: row.tier,
    customers: row.customers,
    purchases: row.purchases,
    spentMinor: money(row.spent),
    averageSpentMinor: ratio(row.spent, row.customers),
  }));
}
