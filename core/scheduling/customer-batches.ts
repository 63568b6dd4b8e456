import { waitForJobLock } from "../db/job-lock.ts";
import type { Sql } from "../db/sql.ts";
import { selectCustomerIdBatch } from "../db/tables/customers.ts";

/**
 * Runs a whole-table nightly job over the customers in id order, `size` to a transaction, so a
 * purchase at the till waits for one batch's row locks at most, never for the whole table. Each
 * batch holds the job's lock: two processes running the job at once take each batch in turn
 * (the second finds it done) and never lock the same rows in different orders. Returns the
 * counts `work` reports, summed over the batches.
 */
export async function inCustomerBatches<Counts extends Record<string, number>>(
  sql: Sql,
  options: { job: string; size: number; zero: Counts },
  work: (tx: Sql, customerIds: readonly string[]) => Promise<Counts>,
): Promise<Counts> {
  const total = { ...options.zero };
  let after: string | null = null;
  for (;;) {
    const customerIds = await selectCustomerIdBatch(sql, after, options.size);
    if (customerIds.length === 0) return total;
    after = customerIds.at(-1) ?? null;
    const counts = await sql.transaction(async (tx) => {
      await waitForJobLock(tx, options.job);
      return work(tx, customerIds);
    });
    for (const [key, count] of Object.entries(counts)) {
      (total as Record<string, number>)[key] = (total[key] ?? 0) + count;
    }
  }
}
