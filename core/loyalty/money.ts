import { AppError } from "../errors.ts";

/**
 * Amounts of money as staff type them at the till, into minor units (kopecks, cents): a bigint,
 * never a float. Accepted: `1250`, `1 250`, `1 250,50`, `1250.5`, `1250₽`, `1250 руб.`.
 */
export type AmountProblem =
  /** Not an amount at all ("abc", "12,345,678", "1,2,3"). */
  | "not_a_number"
  | "zero"
  | "negative"
  /** More than two digits after the decimal separator. */
  | "too_precise"
  /** Above the owner's maximum check (a typo guard). */
  | "too_large";

export type ParsedAmount = { ok: true; minor: bigint } | { ok: false; problem: AmountProblem };

const currencyMarks = /(₽|руб\.?|р\.?|rub|\$|€|usd|eur)/giu;
const spaces = /[\s\u00a0\u202f\u2009]+/gu;

export function parseAmount(text: string, options: { maxMinor: bigint }): ParsedAmount {
  const cleaned = text.trim().replace(currencyMarks, "").trim();
  if (/^[-−–]/u.test(cleaned)) return { ok: false, problem: "negative" };
  // Digits grouped by spaces (1 250 000) or not, then an optional decimal part after , or .
  const match = /^(\d{1,3}(?:[\s\u00a0\u202f\u2009]\d{3})+|\d+)(?:[.,](\d+))?$/u.exec(cleaned);
  if (!match?.[1]) return { ok: false, problem: "not_a_number" };
  const fraction = match[2] ?? "";
  if (fraction.length > 2) {
    // "1,250" or "1.250": a thousands separator, not kopecks; ambiguous, so refused.
    return { ok: false, problem: fraction.length === 3 ? "not_a_number" : "too_precise" };
  }
  const whole = match[1].replace(spaces, "");
  if (whole.length > 15) return { ok: false, problem: "too_large" };
  const minor = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0") || "0");
  if (minor === 0n) return { ok: false, problem: "zero" };
  if (minor > options.maxMinor) return { ok: false, problem: "too_large" };
  return { ok: true, minor };
}

/** The same limits for an amount that arrives already in minor units (the API, core callers). */
export function checkAmount(
  settings: { maxPurchaseMinor: number },
  amountMinor: bigint,
  field = "amountMinor",
): void {
  if (amountMinor <= 0n) {
    throw new AppError("invalid_input", "The amount must be more than zero", { field });
  }
  if (amountMinor > BigInt(settings.maxPurchaseMinor)) {
    throw new AppError("invalid_input", "The amount is above the largest check allowed", {
      field,
      maxMinor: String(settings.maxPurchaseMinor),
    });
  }
}
