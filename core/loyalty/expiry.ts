import { addDays, type LocalDate } from "../scheduling/calendar.ts";
import type { LoyaltySettings } from "./settings.ts";

/**
 * When points expire (settings.expiry), as the day they are taken off the card:
 *
 * - `after_days` N: points earned on day D (business time zone) expire on day D + N;
 * - `end_of_year`: points earned in a year expire on 1 January of the next one;
 * - `never`.
 *
 * Which points go is decided first in, first out: spending (and every other debit) uses up the
 * oldest points first. So on a day X the points still left from the credits earned before
 * cutoff(X) — the start of the first day whose credits are still valid on X — are exactly
 *   max(0, Σ credits before cutoff(X) − Σ all debits so far, earlier expiries included),
 * and that is what expires on X. No per-credit bookkeeping is needed, and running it again
 * finds nothing more to take.
 */
export type ExpiryPolicy = LoyaltySettings["expiry"];

/** The first day whose credits are still valid on `day`; null when points never expire. */
export function expiryCutoff(policy: ExpiryPolicy, day: LocalDate): LocalDate | null {
  switch (policy.kind) {
    case "never":
      return null;
    case "after_days":
      return addDays(day, 1 - policy.days);
    case "end_of_year":
      return { year: day.year, month: 1, day: 1 };
  }
}

/**
 * How many days ahead the warning goes: settings.expiryWarningDays, but never before the points
 * were earned (with a validity shorter than the warning, the warning comes the day after).
 */
export function expiryWarningLeadDays(settings: LoyaltySettings): number {
  const lead = settings.expiryWarningDays;
  if (settings.expiry.kind === "after_days") return Math.min(lead, settings.expiry.days - 1);
  return lead;
}
