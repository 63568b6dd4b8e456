/**
 * Tiers by total spend (minor units). Kept in code for now; thresholds are the business's
 * decision and will move to settings when owners can edit them.
 */
export type Tier = { key: "base" | "silver" | "gold"; minSpentMinor: bigint };

export const tiers: readonly Tier[] = [
  { key: "base", minSpentMinor: 0n },
  { key: "silver", minSpentMinor: 1_000_000n }, // 10 000 ₽
  { key: "gold", minSpentMinor: 3_000_000n }, // 30 000 ₽
];

export function tierProgress(totalSpentMinor: bigint): {
  current: Tier;
  next: Tier | null;
  remainingMinor: bigint;
} {
  let current = tiers[0] as Tier;
  for (const tier of tiers) if (totalSpentMinor >= tier.minSpentMinor) current = tier;
  const next = tiers.find((t) => t.minSpentMinor > totalSpentMinor) ?? null;
  return { current, next, remainingMinor: next ? next.minSpentMinor - totalSpentMinor : 0n };
}
