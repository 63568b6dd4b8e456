import type { TierLadder } from "../db/tables/purchases.ts";
import type { LoyaltySettings, TierKey } from "./settings.ts";

/**
 * Tiers: the owner's levels (settings.tiers), reached by spend over the basis — the last N
 * months (default 12) or the customer's whole history. The customer's tier is stored with the
 * date it was reached (Customer.tier, tierReachedAt), because a window makes it more than a
 * function of today's spend:
 *
 * - Up: the purchase whose spend crosses a threshold moves the customer up at once (and they are
 *   congratulated).
 * - Down: with a window basis, a tier is kept for at least one window after it was reached; the
 *   nightly job then moves the customer down to what their spend over the window still reaches.
 *   With the lifetime basis spend never falls, so nobody moves down.
 * - A refund of the purchase that lifted the customer takes the tier back at once, if the spend
 *   left no longer reaches it.
 */
export type TierLevel = LoyaltySettings["tiers"]["levels"][number];

export function tierLevel(settings: LoyaltySettings, key: string): TierLevel {
  const levels = settings.tiers.levels;
  return levels.find((level) => level.key === key) ?? (levels[0] as TierLevel);
}

export function tierRank(settings: LoyaltySettings, key: string): number {
  return Math.max(
    0,
    settings.tiers.levels.findIndex((level) => level.key === key),
  );
}

/** The highest tier the spend reaches. */
export function tierForSpend(settings: LoyaltySettings, spendMinor: bigint): TierKey {
  let reached = settings.tiers.levels[0] as TierLevel;
  for (const level of settings.tiers.levels) {
    if (spendMinor >= BigInt(level.minSpentMinor)) reached = level;
  }
  return reached.key;
}

/** Where the basis window starts (null for lifetime). */
export function tierWindowStart(settings: LoyaltySettings, now: Date): Date | null {
  const basis = settings.tiers.basis;
  if (basis.kind === "lifetime") return null;
  const start = new Date(now);
  start.setUTCMonth(start.getUTCMonth() - basis.months);
  return start;
}

export type TierProgress = {
  current: TierLevel;
  next: TierLevel | null;
  /** Spend left to the next tier, in minor units (0 at the top). */
  remainingMinor: bigint;
};

/** The customer's stored tier and how far the spend counted toward tiers is from the next. */
export function tierProgress(
  settings: LoyaltySettings,
  customer: { tier: string; tierSpendMinor: bigint },
): TierProgress {
  const rank = tierRank(settings, customer.tier);
  const current = settings.tiers.levels[rank] as TierLevel;
  const next = settings.tiers.levels[rank + 1] ?? null;
  const remaining = next ? BigInt(next.minSpentMinor) - customer.tierSpendMinor : 0n;
  return { current, next, remainingMinor: remaining > 0n ? remaining : 0n };
}

/**
 * The nightly decision for one customer: the tier their spend over the window reaches, unless
 * they reached the current one less than a window ago (then it is kept). Never higher than what
 * the spend reaches; a higher tier only comes with a purchase.
 */
export function tierAfterReview(
  settings: LoyaltySettings,
  customer: { tier: string; tierReachedAt: Date | null },
  windowSpendMinor: bigint,
  now: Date,
): TierKey {
  const reached = tierForSpend(settings, windowSpendMinor);
  const current = tierLevel(settings, customer.tier).key;
  if (tierRank(settings, reached) >= tierRank(settings, current)) return current;
  const windowStart = tierWindowStart(settings, now);
  if (!windowStart) return current;
  if (customer.tierReachedAt && customer.tierReachedAt > windowStart) return current;
  return reached;
}

/** The tiers as the SQL that decides them takes them: keys and thresholds, lowest first. */
export function tierLadder(settings: LoyaltySettings): TierLadder {
  return {
    keys: settings.tiers.levels.map((level) => level.key),
    minSpent: settings.tiers.levels.map((level) => BigInt(level.minSpentMinor)),
  };
}
