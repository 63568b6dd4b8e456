import type { Sql } from "./sql.ts";

/**
 * Takes the named job's lock for the rest of the transaction, or answers false at once when
 * another process holds it (it is doing the same work right now). A whole-table job that two
 * processes ran side by side would lock the same rows in different orders and deadlock.
 * Only meaningful inside a transaction: the lock ends with it.
 */
export async function tryJobLock(tx: Sql, job: string): Promise<boolean> {
  const [row] = await tx.query<{ locked: boolean }>(
    `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS "locked"`,
    [job],
  );
  return row?.locked === true;
}

/** Takes the named job's lock for the rest of the transaction, waiting for another holder. */
export async function waitForJobLock(tx: Sql, job: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [job]);
}
