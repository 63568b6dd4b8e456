import { AppError } from "../errors.ts";
import type { LoyaltySettings } from "./settings.ts";
import { tierLevel } from "./tiers.ts";

/**
 * What a check comes to under the owner's rules. Rounding, stated once:
 * - points are whole; earning rounds down (1250 ₽ at 5 % with 1 point = 1 ₽ earns 62);
 * - the most points a check can take rounds down too (30 % of 999 ₽ is 299 points);
 * - points are earned on what is paid in money, after the points spent;
 * - percents have at most two decimals, so the arithmetic is exact in integers.
 */
export type PurchaseQuote = {
  amountMinor: bigint;
  pointsSpent: number;
  /** What the points spent take off the check. */
  discountMinor: bigint;
  /** What the customer pays in money. */
  paidMinor: bigint;
  pointsEarned: number;
  /** The most points this check could take: the balance that may be spent, and the share. */
  maxSpendable: number;
  rule: { tier: string; percent: number; category: string | null; multiplier: number };
};

const hundredths = (value: number) => BigInt(Math.round(value * 100));

/** Points the share of a check allows (before the balance limits them further). */
export function shareLimit(settings: LoyaltySettings, amountMinor: bigint): number {
  const limit =
    (amountMinor * hundredths(settings.maxRedeemPercent)) /
    (10_000n * BigInt(settings.pointValueMinor));
  return Number(limit);
}

export function quotePurchase(
  settings: LoyaltySettings,
  input: {
    amountMinor: bigint;
    tier: string;
    category: string | null;
    pointsToSpend: number;
    /** Points the customer may spend now: the balance less points still pending. */
    spendable: number;
  },
): PurchaseQuote {
  if (input.category !== null && !settings.categories[input.category]) {
    throw new AppError("invalid_input", `Unknown purchase category "${input.category}"`, {
      field: "category",
      known: Object.keys(settings.categories),
    });
  }
  const maxSpendable = Math.max(
    0,
    Math.min(input.spendable, shareLimit(settings, input.amountMinor)),
  );
  if (!Number.isInteger(input.pointsToSpend) || input.pointsToSpend < 0) {
    throw new AppError("invalid_input", "Points to spend must be a whole number, 0 or more", {
      field: "pointsToSpend",
    });
  }
  if (input.pointsToSpend > maxSpendable) {
    throw new AppError(
      "insufficient_points",
      input.pointsToSpend > input.spendable
        ? `Only ${input.spendable} points can be spent now`
        : `At most ${maxSpendable} points can go toward this check (${settings.maxRedeemPercent} %)`,
      {
        reason: input.pointsToSpend > input.spendable ? "balance" : "share",
        maxSpendable,
        spendable: input.spendable,
      },
    );
  }
  const discountMinor = BigInt(input.pointsToSpend) * BigInt(settings.pointValueMinor);
  const paidMinor = input.amountMinor - discountMinor;
  const level = tierLevel(settings, input.tier);
  const multiplier = input.category ? (settings.categories[input.category]?.multiplier ?? 1) : 1;
  const earned =
    (paidMinor * hundredths(level.earnPercent) * hundredths(multiplier)) /
    (10_000n * 100n * BigInt(settings.pointValueMinor));
  return {
    amountMinor: input.amountMinor,
    pointsSpent: input.pointsToSpend,
    discountMinor,
    paidMinor,
    pointsEarned: Number(earned),
    maxSpendable,
    rule: { tier: level.key, percent: level.earnPercent, category: input.category, multiplier },
  };
}
