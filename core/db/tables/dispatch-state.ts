import type { Sql } from "../sql.ts";

/**
 * "DispatchState": the one row that paces every dispatcher on the database. Its times are the
 * database's clock (UTC), not a process's: processes whose clocks disagree still share one pace.
 */

const DB_NOW = `(now() AT TIME ZONE 'UTC')`;

/**
 * Reserves `count` sending slots `intervalMs` apart: the first starts at the later of now, the
 * end of the slots handed out before, and the end of a 429 pause. Returns how long to wait for
 * the first slot.
 */
export async function reserveSendingSlots(
  sql: Sql,
  options: { count: number; intervalMs: number },
): Promise<{ waitMs: number }> {
  const [row] = await sql.query<{ waitMs: number }>(
    `WITH before AS (
       SELECT GREATEST("nextSlotAt", ${DB_NOW}, COALESCE("pausedUntil", ${DB_NOW})) AS "start"
       FROM "DispatchState" WHERE "id" = 1 FOR UPDATE
     )
     UPDATE "DispatchState" s
     SET "nextSlotAt" = before."start" + ($1::int * $2::float8) * interval '1 millisecond'
     FROM before WHERE s."id" = 1
     RETURNING (EXTRACT(EPOCH FROM before."start" - ${DB_NOW}) * 1000)::float8 AS "waitMs"`,
    [options.count, options.intervalMs],
  );
  if (!row) throw new Error("DispatchState has no row (migration not applied?)");
  return row;
}

/** Telegram said 429: no dispatcher sends for `seconds` (an earlier, longer pause stays). */
export async function pauseSending(sql: Sql, seconds: number): Promise<void> {
  await sql.query(
    `UPDATE "DispatchState"
     SET "pausedUntil" = GREATEST(COALESCE("pausedUntil", ${DB_NOW}),
                                  ${DB_NOW} + $1::float8 * interval '1 second')
     WHERE "id" = 1`,
    [seconds],
  );
}
