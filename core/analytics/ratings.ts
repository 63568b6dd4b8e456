import type { Sql } from "../db/sql.ts";
import { type DateRange, localTime, type Period } from "./period.ts";

export type RatingsInPeriod = {
  period: string;
  /** Ratings on the 1–5 scale. */
  rating: { responses: number; average: number | null };
  /** Answers on the 0–10 scale: NPS = % promoters (9–10) − % detractors (0–6). */
  nps: {
    responses: number;
    promoters: number;
    passives: number;
    detractors: number;
    score: number | null;
    average: number | null;
  };
};

/** Ratings and NPS per week or month (the business's time zone) over the days of `range`. */
export async function ratingsOverTime(
  sql: Sql,
  options: { period: Period; range: DateRange; timeZone: string },
): Promise<RatingsInPeriod[]> {
  const given = localTime(`"createdAt"`, "$2");
  const rows = await sql.query<{
    period: string;
    ratings: number;
    ratingAverage: number | null;
    nps: number;
    promoters: number;
    passives: number;
    detractors: number;
    npsAverage: number | null;
  }>(
    `SELECT to_char(date_trunc($1, ${given}), 'YYYY-MM-DD') AS "period",
            count(*) FILTER (WHERE "scale" = 'rating')::int AS "ratings",
            round(avg("score") FILTER (WHERE "scale" = 'rating'), 2)::float8 AS "ratingAverage",
            count(*) FILTER (WHERE "scale" = 'nps')::int AS "nps",
            count(*) FILTER (WHERE "scale" = 'nps' AND "score" >= 9)::int AS "promoters",
            count(*) FILTER (WHERE "scale" = 'nps' AND "score" BETWEEN 7 AND 8)::int AS "passives",
            count(*) FILTER (WHERE "scale" = 'nps' AND "score" <= 6)::int AS "detractors",
            round(avg("score") FILTER (WHERE "scale" = 'nps'), 2)::float8 AS "npsAverage"
     FROM "Feedback"
     WHERE ${given} >= $3::date AND ${given} < $4::date + 1
     GROUP BY 1
     ORDER BY 1`,
    [options.period, options.timeZone, options.range.from, options.range.to],
  );
  return rows.map((row) => ({
    period: row.period,
    rating: { responses: row.ratings, average: row.ratingAverage },
    nps: {
      responses: row.nps,
      promoters: row.promoters,
      passives: row.passives,
      detractors: row.detractors,
      score: row.nps ? Math.round(((row.promoters - row.detractors) / row.nps) * 1000) / 10 : null,
      average: row.npsAverage,
    },
  }));
}
