import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fromProjectRoot } from "../project-root.ts";

/**
 * Applies the SQL migrations in prisma/migrations to PGlite or PostgreSQL.
 *
 * Why not `prisma migrate deploy`: through @prisma/adapter-pg it fails on PostgreSQL
 * (prisma/orm#27403), and the app must migrate itself at start-up on both databases.
 * The bookkeeping table is Prisma's own `_prisma_migrations`, with the same columns and the same
 * checksum (SHA-256 of migration.sql), so Prisma's tooling still recognises the history.
 *
 * Each migration runs in its own transaction together with its bookkeeping row, so a failure
 * leaves neither half-applied DDL nor a record. A session-level advisory lock serialises
 * concurrent start-ups: the second process waits, then finds nothing left to apply.
 */

/** One database session: every call must go to the same connection (the lock is per session). */
export interface SqlSession {
  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements (simple-query protocol, no parameters). */
  exec(sql: string): Promise<void>;
}

export type Migration = { name: string; sql: string; checksum: string };

export type MigrationReport = { applied: string[]; alreadyApplied: string[] };

export type MigrationLogger = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
};

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migration?: string,
  ) {
    super(message);
    this.name = "MigrationError";
  }
}

// Arbitrary but fixed: every process of this app contends for the same advisory lock.
const MIGRATION_LOCK_KEY = 7_246_115_001;

export const defaultMigrationsDir = fromProjectRoot("prisma", "migrations");

export async function readMigrations(dir = defaultMigrationsDir): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

const createBookkeepingTable = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

type AppliedRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

export async function migrate(
  session: SqlSession,
  options: { migrations?: Migration[]; logger?: MigrationLogger } = {},
): Promise<MigrationReport> {
  const migrations = options.migrations ?? (await readMigrations());
  const logger = options.logger;
  await session.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
  try {
    await session.exec(createBookkeepingTable);
    const rows = await session.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const applied = new Map(
      rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]),
    );

    const known = new Set(migrations.map((m) => m.name));
    for (const name of applied.keys()) {
      if (!known.has(name)) {
        logger?.warn(
          { migration: name },
          "database has a migration this version of the app does not know (was a newer version deployed here?)",
        );
      }
    }

    const report: MigrationReport = { applied: [], alreadyApplied: [] };
    for (const migration of migrations) {
      const previous = applied.get(migration.name);
      if (previous?.finished_at) {
        if (previous.checksum !== migration.checksum) {
          logger?.warn(
            { migration: migration.name },
            "migration file changed after it was applied; edit history with a new migration instead",
          );
        }
        report.alreadyApplied.push(migration.name);
        continue;
      }
      if (previous) {
        throw new MigrationError(
          `Migration ${migration.name} was started but never finished (by an earlier tool run). Fix the database by hand, then delete its row from "_prisma_migrations".`,
          migration.name,
        );
      }
      await applyOne(session, migration);
      logger?.info({ migration: migration.name }, "migration applied");
      report.applied.push(migration.name);
    }
    return report;
  } finally {
    await session.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
  }
}

async function applyOne(session: SqlSession, migration: Migration): Promise<void> {
  const startedAt = new Date();
  await session.exec("BEGIN");
  try {
    await session.exec(migration.sql);
    await session.query(
      `INSERT INTO "_prisma_migrations"
         ("id", "checksum", "finished_at", "migration_name", "started_at", "applied_steps_count")
       VALUES ($1, $2, now(), $3, $4, 1)`,
      [randomUUID(), migration.checksum, migration.name, startedAt],
    );
    await session.exec("COMMIT");
  } catch (error) {
    await session.exec("ROLLBACK").catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migration ${migration.name} failed: ${reason}`, migration.name);
  }
}
