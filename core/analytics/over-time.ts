import type { Sql } from "../db/sql.ts";
import { type DateRange, localTime, money, type Period } from "./period.ts";

export type BuyersInPeriod = {
  /** The first day of the week (Monday) or month, YYYY-MM-DD. */
  period: string;
  /** Customers whose first purchase ever fell in this period. */
  newBuyers: number;
  /** Customers who bought in this period and had bought before it. */
  returningBuyers: number;
  /** Customers who joined in this period (whether they bought or not). */
  joined: number;
  purchases: number;
  revenueMinor: string;
};

/**
 * New against returning buyers per week or month, in the business's time zone, over the days of
 * `range` (both included). A period with nothing in it is left out.
 */
export async function buyersOverTime(
  sql: Sql,
  options: { period: Period; range: DateRange; timeZone: string },
): Promise<BuyersInPeriod[]> {
  const bought = localTime(`p."createdAt"`, "$2");
  const first = localTime(`f."first"`, "$2");
  const joined = localTime(`c."createdAt"`, "$2");
  const rows = await sql.query<{
    period: string;
    newBuyers: number;
    returningBuyers: number;
    joined: number;
    purchases: number;
    revenue: string;
  }>(
    `WITH firsts AS (
       SELECT "customerId", min("createdAt") AS "first" FROM "Purchase" GROUP BY "customerId"
     ), buys AS (
       SELECT date_trunc($1, ${bought}) AS "period", p."customerId",
              date_trunc($1, ${first}) AS "firstPeriod",
              count(*) AS "n", sum(p."amountMinor" - p."refundedMinor") AS "revenue"
       FROM "Purchase" p JOIN firsts f ON f."customerId" = p."customerId"
       WHERE ${bought} >= $3::date AND ${bought} < $4::date + 1
       GROUP BY 1, 2, 3
     ), buyers AS (
       SELECT "period",
              count(*) FILTER (WHERE "period" = "firstPeriod") AS "newBuyers",
              count(*) FILTER (WHERE "period" > "firstPeriod") AS "returningBuyers",
              sum("n") AS "purchases", sum("revenue") AS "revenue"
       FROM buys GROUP BY "period"
     ), joins AS (
       SELECT date_trunc($1, ${joined}) AS "period", count(*) AS "joined"
       FROM "Customer" c
       WHERE c."status" <> 'DECLINED' AND ${joined} >= $3::date AND ${joined} < $4::date + 1
       GROUP BY 1
     )
     SELECT to_char(COALESCE(b."period", j."period"), 'YYYY-MM-DD') AS "period",
            COALESCE(b."newBuyers", 0)::int AS "newBuyers",
            COALESCE(b."returningBuyers", 0)::int AS "returningBuyers",
            COALESCE(j."joined", 0)::int AS "joined",
            COALESCE(b."purchases", 0)::int AS "purchases",
            COALESCE(b."revenue", 0)::text AS "revenue"
     FROM buyers b FULL JOIN joins j ON j."period" = b."period"
     ORDER BY 1`,
    [options.period, options.timeZone, options.range.from, options.range.to],
  );
  return rows.map(({ revenue, ...row }) => ({ ...row, revenueMinor: money(revenue) }));
}
