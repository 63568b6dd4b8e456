import type { Sql } from "../db/sql.ts";
import { updateRfmScores } from "../db/tables/customer-rfm.ts";
import { inCustomerBatches } from "../scheduling/customer-batches.ts";

/**
 * The nightly RFM scoring (definition in core/db/tables/customer-rfm.ts): recency, frequency
 * and monetary value, 1–5 each by quintiles of the customers who bought. Scores are relative, so
 * each batch is scored against all buyers.
 */
export function computeRfmScores(
  sql: Sql,
  options: { now: Date },
): Promise<{ scored: number; cleared: number }> {
  return inCustomerBatches(
    sql,
    { job: "loyalty:rfm", size: 5_000, zero: { scored: 0, cleared: 0 } },
    (tx, customerIds) => updateRfmScores(tx, options.now, customerIds),
  );
}
