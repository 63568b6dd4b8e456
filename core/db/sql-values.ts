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

/**
 * A JS value as the text both drivers send for a parameter whose type PostgreSQL infers from
 * the statement: Dates as UTC ISO strings, arrays as array literals, objects as JSON.
 */
export function toParam(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return arrayLiteral(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((item) => {
    const text = toParam(item);
    return text === null ? "NULL" : `"${text.replace(/[\\"]/g, "\\$&")}"`;
  });
  return `{${items.join(",")}}`;
}

export function toParams(params: readonly unknown[] | undefined): Array<string | null> {
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
