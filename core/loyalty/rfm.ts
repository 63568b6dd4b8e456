import { tryJobLock } from "../db/job-lock.ts";
import type { Sql } from "../db/sql.ts";
import { updateRfmScores } from "../db/tables/customer-rfm.ts";

/**
 * The nightly RFM scoring (definition in core/db/tables/customer-rfm.ts): recency, frequency
 * and monetary value, 1–5 each by quintiles of the customers who bought. Scores are relative, so
 * they are recomputed for everyone at once; `skipped` when another process is doing it now.
 */
export async function computeRfmScores(
  sql: Sql,
  options: { now: Date },
): Promise<{ scored: number; cleared: number; skipped: boolean }> {
  return sql.transaction(async (tx) => {
    if (!(await tryJobLock(tx, "loyalty:rfm"))) return { scored: 0, cleared: 0, skipped: true };
    return { ...(await updateRfmScores(tx, options.now)), skipped: false };
  });
}
