import { waitForJobLock } from "../db/job-lock.ts";
import type { Sql } from "../db/sql.ts";
import { updateRfmScores } from "../db/tables/customer-rfm.ts";
import { selectCustomerIdBatch } from "../db/tables/customers.ts";

/** Customers written per transaction, as in the tier review: a purchase waits for one batch. */
const BATCH = 5_000;

/**
 * The nightly RFM scoring (definition in core/db/tables/customer-rfm.ts): recency, frequency
 * and monetary value, 1–5 each by quintiles of the customers who bought. Scores are relative, so
 * each batch is scored against all buyers. Two processes running it at once take each batch in
 * turn (and write the same scores).
 */
export async function computeRfmScores(
  sql: Sql,
  options: { now: Date },
): Promise<{ scored: number; cleared: number }> {
  const total = { scored: 0, cleared: 0 };
  let after: string | null = null;
  for (;;) {
    const customerIds = await selectCustomerIdBatch(sql, after, BATCH);
    if (customerIds.length === 0) return total;
    after = customerIds.at(-1) ?? null;
    const result = await sql.transaction(async (tx) => {
      await waitForJobLock(tx, "loyalty:rfm");
      return updateRfmScores(tx, options.now, customerIds);
    });
    total.scored += result.scored;
    total.cleared += result.cleared;
  }
}
