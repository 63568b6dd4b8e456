import { z } from "zod";

/** How reports over time group: calendar weeks (from Monday) or months, in the business's zone. */
export const PeriodSchema = z.enum(["week", "month"]);
export type Period = z.infer<typeof PeriodSchema>;

export type DateRange = { from: string; to: string };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The days a report covers (YYYY-MM-DD, `to` included): as given, or the last 12 periods up to
 * today when left out.
 */
export function reportRange(
  period: Period,
  given: { from?: string | undefined; to?: string | undefined },
  today: string,
): DateRange {
  const to = given.to ?? today;
  if (given.from) return { from: given.from, to };
  const end = new Date(`${to}T00:00:00Z`);
  const from =
    period === "week"
      ? new Date(end.getTime() - 12 * 7 * DAY_MS)
      : new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 11, 1));
  return { from: from.toISOString().slice(0, 10), to };
}

/**
 * The SQL for a UTC `timestamp` column as the business's local time; `tz` is the parameter
 * holding the zone name.
 */
export const localTime = (column: string, tz: string) =>
  `((${column} AT TIME ZONE 'UTC') AT TIME ZONE ${tz})`;

/** Money in minor units as the API shows it (a string: it may exceed 2^53). */
export const money = (value: bigint | string | number | null) => BigInt(value ?? 0).toString();

/** a / b in minor units, rounded; "0" when b is 0. */
export function ratio(a: bigint | string, b: bigint | string | number): string {
  const divisor = BigInt(b);
  if (divisor === 0n) return "0";
  const dividend = BigInt(a);
  return ((dividend * 2n + divisor) / (divisor * 2n)).toString();
}
