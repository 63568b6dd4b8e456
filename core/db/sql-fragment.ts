import sql, { empty, join, raw, type Sql } from "sql-template-tag";

/**
 * SQL built from pieces with its values kept apart as parameters — what segments and the
 * customer search compile rules into. The same library Prisma vendors as `Prisma.sql`, taken
 * directly so that building a query does not load Prisma's runtime (a process serving only
 * the bot never loads it); `.text` has `$1…` placeholders for `Sql.query` or
 * `$queryRawUnsafe`.
 */
export const Fragment = { sql, join, raw, empty };
export type Fragment = Sql;

/** The arguments of Prisma's `$queryRawUnsafe` for a fragment: its text, then its values. */
export function rawArgs(fragment: Fragment): [string, ...unknown[]] {
  return [fragment.text, ...fragment.values];
}
