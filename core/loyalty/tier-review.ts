import { waitForJobLock } from "../db/job-lock.ts";
import type { Sql } from "../db/sql.ts";
import { reviewTiersOf } from "../db/tables/customer-tiers.ts";
import { selectCustomerIdBatch } from "../db/tables/customers.ts";
import { EventType } from "../events.ts";
import type { LoyaltySettings } from "./settings.ts";
import { tierWindowStart } from "./tiers.ts";

/**
 * The nightly tier review: recomputes every buyer's spend over the basis (purchases leave the
 * window as time passes) and moves down those whose tier their spend no longer reaches, by
 * tierAfterReview's rule (core/loyalty/tiers.ts) — at most once a window after the tier was
 * reached, never under the lifetime basis. A downgrade is quiet: a timeline event, no message
 * (telling a customer they lost a level is not news they asked for; the card shows the tier).
 * In batches of customers, one statement each.
 */
/**
 * Customers per transaction: a purchase at the till waits at most for one batch's row locks
 * (a fraction of a second), not for the whole table (about 9 s at 100,000 customers).
 */
const BATCH = 5_000;

export async function reviewTiers(
  sql: Sql,
  options: { settings: LoyaltySettings; now: Date },
): Promise<{ updated: number; downgraded: number }> {
  const levels = options.settings.tiers.levels;
  const total = { updated: 0, downgraded: 0 };
  let after: string | null = null;
  for (;;) {
    const customerIds = await selectCustomerIdBatch(sql, after, BATCH);
    if (customerIds.length === 0) return total;
    after = customerIds.at(-1) ?? null;
    const result = await sql.transaction(async (tx) => {
      // Two processes reviewing at once take each batch in turn: the second finds nothing left
      // to change, and they never lock the same rows in different orders.
      await waitForJobLock(tx, "loyalty:tier-review");
      return reviewTiersOf(tx, {
        customerIds,
        windowStart: tierWindowStart(options.settings, options.now),
        keys: levels.map((level) => level.key),
        minSpentMinor: levels.map((level) => BigInt(level.minSpentMinor)),
        eventType: EventType.tierChanged,
        at: options.now,
      });
    });
    total.updated += result.updated;
    total.downgraded += result.downgraded;
  }
}
