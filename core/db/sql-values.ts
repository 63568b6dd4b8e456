/**
 * How values cross the driver boundary, identically on pg and PGlite and as Prisma does it:
 * `timestamp(3)` columns hold UTC wall-clock time, `date` columns a calendar day at UTC
 * midnight, `bigint` columns JS bigint. Both drivers would otherwise read timestamps in the
 * process's local time zone, and pg would send a Date in local time with an offset that
 * PostgreSQL ignores for `timestamp without time zone`.
 */

const TIMESTAMP_OID = 1114;
const DATE_OID = 1082;
const INT8_OID = 20;

/** Parsers by type OID for the text format both drivers receive. */
export const rowParsers: Record<number, (value: string) => unknown> = {
  [INT8_OID]: (value) => BigInt(value),
  // "2026-11-25 16:25:22.123" is UTC (Prisma writes UTC into timestamp without time zone).
  [TIMESTAMP_OID]: (value) => new Date(`${value.replace(" ", "T")}Z`),
  [DATE_OID]: (value) => new Date(`${value}T00:00:00Z`),
};

/** Turns a JS value into what both drivers send as text: Dates as UTC ISO strings. */
export function toParam(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  return value;
}

export function toParams(params: readonly unknown[] | undefined): unknown[] {
  return params ? params.map(toParam) : [];
}

/** A JSON value as a parameter; the statement casts it (`$1::jsonb`). */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value);
}

/** A calendar day as a parameter for a `date` column. */
export function dateParam(value: Date): string {
  return value.toISOString().slice(0, 10);
}
