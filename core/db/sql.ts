/**
 * Plain SQL through the driver underneath Prisma (the pg pool, or PGlite).
 *
 * Why it exists next to Prisma: Prisma 6's client engine spends 4–5 ms of CPU on a
 * `findUnique` (query compiler in WebAssembly, then its JS interpreter) where the driver itself
 * needs 0.2–0.4 ms, and every bot update pays that on its way through. The statements that run
 * on every update (the customer and conversation state, one answer and its timeline event, the
 * card and the ledger) therefore go straight to the driver, one module per table under
 * `core/db/tables/`. Everything else — the admin API, exports, rare maintenance — stays on
 * Prisma's typed queries. Rows come back with the same JS types as Prisma's models (bigint,
 * Date in UTC, parsed JSON), so both paths share the generated model types.
 */
export interface Sql {
  /** Runs one statement. Rows are typed by the caller, who wrote the SELECT list. */
  query<Row extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<Row[]>;
  /**
   * Runs `work` in a transaction: committed when it resolves, rolled back when it throws.
   * Called on a transaction it simply joins it, so a use case can be composed into a bigger one
   * whose outermost caller owns the transaction.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * The database this runs on, the same object for a connection and its transactions: what a
   * process caches about one database (the webhook subscriptions) is keyed by it, so two
   * databases in one process (tests) never share a cache.
   */
  readonly database?: object;
}

/** Sees every statement sent to the database (tests and benchmarks count them). */
export type StatementObserver = (sql: string) => void;

/** PostgreSQL's unique_violation, as both drivers report it. */
export function isUniqueViolationSql(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505"
  );
}
