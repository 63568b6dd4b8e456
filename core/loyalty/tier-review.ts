import type { Sql } from "../db/sql.ts";
import { reviewTiersOf } from "../db/tables/customer-tiers.ts";
import { EventType } from "../events.ts";
import { inCustomerBatches } from "../scheduling/customer-batches.ts";
import type { LoyaltySettings } from "./settings.ts";
import { tierLadder, tierWindowStart } from "./tiers.ts";

/**
 * The nightly tier review: recomputes every buyer's spend over the basis (purchases leave the
 * window as time passes) and moves down those whose tier their spend no longer reaches, by
 * tierAfterReview's rule (core/loyalty/tiers.ts) — at most once a window after the tier was
 * reached, never under the lifetime basis. A downgrade is quiet: a timeline event, no message
 * (telling a customer they lost a level is not news they asked for; the card shows the tier).
 * One statement per batch of 5,000 customers: about 4 s for 100,000.
 */
export function reviewTiers(
  sql: Sql,
  options: { settings: LoyaltySettings; now: Date },
): Promise<{ updated: number; downgraded: number }> {
  const ladder = tierLadder(options.settings);
  const windowStart = tierWindowStart(options.settings, options.now);
  return inCustomerBatches(
    sql,
    { job: "loyalty:tier-review", size: 5_000, zero: { updated: 0, downgraded: 0 } },
    (tx, customerIds) =>
      reviewTiersOf(tx, {
        customerIds,
        windowStart,
        keys: ladder.keys,
        minSpentMinor: ladder.minSpent,
        eventType: EventType.tierChanged,
        at: options.now,
      }),
  );
}
