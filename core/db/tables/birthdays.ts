import type { Sql } from "../sql.ts";

/** Birthdays over "Customer" (birthMonth/birthDay, indexed together) and their cards. */

export type BirthdayOccurrence = { month: number; day: number; year: number };

export type BirthdayCandidate = { customerId: string; year: number };

/**
 * Active customers with an active card whose birthday is one of `occurrences`, with the year of
 * that occurrence, leaving out those already credited for it (ledger key `<keyPrefix><customer
 * id>:<year>`): a repeated run reads little and posts nothing.
 */
export async function selectBirthdayCandidates(
  sql: Sql,
  options: { occurrences: readonly BirthdayOccurrence[]; keyPrefix: string },
): Promise<BirthdayCandidate[]> {
  if (options.occurrences.length === 0) return [];
  return sql.query<BirthdayCandidate>(
    `SELECT c."id" AS "customerId", d."year"
     FROM unnest($1::int[], $2::int[], $3::int[]) AS d("month", "day", "year")
     JOIN "Customer" c ON c."birthMonth" = d."month" AND c."birthDay" = d."day"
     JOIN "LoyaltyCard" k ON k."customerId" = c."id" AND k."status" = 'ACTIVE'
     WHERE c."status" = 'ACTIVE' AND c."deletedAt" IS NULL
       AND NOT EXISTS (
         SELECT 1 FROM "PointsEntry" e
         WHERE e."idempotencyKey" = $4::text || c."id"::text || ':' || d."year"::text
       )
     ORDER BY c."id"`,
    [
      options.occurrences.map((o) => o.month),
      options.occurrences.map((o) => o.day),
      options.occurrences.map((o) => o.year),
      options.keyPrefix,
    ],
  );
}
