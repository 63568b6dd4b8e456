import { tryJobLock } from "../db/job-lock.ts";
import type { Sql } from "../db/sql.ts";
import { reviewAllTiers } from "../db/tables/customer-tiers.ts";
import { EventType } from "../events.ts";
import type { LoyaltySettings } from "./settings.ts";
import { tierWindowStart } from "./tiers.ts";

/**
 * The nightly tier review: recomputes every buyer's spend over the basis (purchases leave the
 * window as time passes) and moves down those whose tier their spend no longer reaches, by
 * tierAfterReview's rule (core/loyalty/tiers.ts) — at most once a window after the tier was
 * reached, never under the lifetime basis. A downgrade is quiet: a timeline event, no message
 * (telling a customer they lost a level is not news they asked for; the card shows the tier).
 * One statement over all customers; `skipped` when another process is running it right now.
 */
export async function reviewTiers(
  sql: Sql,
  options: { settings: LoyaltySettings; now: Date },
): Promise<{ updated: number; downgraded: number; skipped: boolean }> {
  const levels = options.settings.tiers.levels;
  return sql.transaction(async (tx) => {
    if (!(await tryJobLock(tx, "loyalty:tier-review"))) {
      return { updated: 0, downgraded: 0, skipped: true };
    }
    const result = await reviewAllTiers(tx, {
      windowStart: tierWindowStart(options.settings, options.now),
      keys: levels.map((level) => level.key),
      minSpentMinor: levels.map((level) => BigInt(level.minSpentMinor)),
      eventType: EventType.tierChanged,
      at: options.now,
    });
    return { ...result, skipped: false };
  });
}
