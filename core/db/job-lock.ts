import type { Sql } from "./sql.ts";

/**
 * Takes the named job's lock for the rest of the transaction, waiting while another process
 * holds it. A whole-table job that two processes ran side by side would lock the same rows in
 * different orders and deadlock; with the lock they take each batch in turn.
 */
export async function waitForJobLock(tx: Sql, job: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [job]);
}
