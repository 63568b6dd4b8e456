import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { type MigrationLogger, type MigrationReport, migrate } from "../../prisma/migrator.ts";
import { PrismaClient } from "./client.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { pgliteAdapter } from "./pglite-adapter.ts";
import { pgliteSession, pgSession } from "./sql-session.ts";

export type DatabaseKind = "pglite" | "postgres";

export type Database = {
  readonly kind: DatabaseKind;
  readonly prisma: PrismaClient;
  readonly migrations: MigrationReport;
  /** Throws when the database does not answer; used by /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
};

export type DatabaseOptions =
  /**
   * `dataDir` undefined = in memory (tests). `template`: a dump (PGlite's dumpDataDir) to start
   * from instead of an empty cluster; pending migrations still run on top of it.
   */
  | { kind: "pglite"; dataDir?: string; template?: Blob }
  | { kind: "postgres"; url: string; poolSize?: number };

/** Opens the database, brings its schema up to date, and returns a ready Prisma client. */
export async function openDatabase(
  options: DatabaseOptions,
  logger?: MigrationLogger,
): Promise<Database> {
  return options.kind === "pglite"
    ? openPglite(options.dataDir, options.template, logger)
    : openPostgres(options.url, options.poolSize ?? 10, logger);
}

async function openPglite(
  dataDir: string | undefined,
  template: Blob | undefined,
  logger?: MigrationLogger,
) {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const unlock = dataDir ? await lockDataDir(dataDir) : async () => {};
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(template ? { loadDataDir: template } : {}),
  }).catch(async (error: unknown) => {
    await unlock();
    throw error;
  });
  try {
    const migrations = await migrate(pgliteSession(pglite), { logger });
    const prisma = new PrismaClient({ adapter: pgliteAdapter(pglite) });
    return {
      kind: "pglite" as const,
      prisma,
      migrations,
      async ping() {
        await pglite.query("SELECT 1");
      },
      async close() {
        await prisma.$disconnect();
        await pglite.close();
        await unlock();
      },
    };
  } catch (error) {
    await pglite.close();
    await unlock();
    throw error;
  }
}

async function openPostgres(url: string, poolSize: number, logger?: MigrationLogger) {
  // Migrations need one dedicated connection: the advisory lock belongs to a session.
  const migrationClient = new pg.Client({ connectionString: url });
  await migrationClient.connect();
  let migrations: MigrationReport;
  try {
    migrations = await migrate(pgSession(migrationClient), { logger });
  } finally {
    await migrationClient.end();
  }
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its connection emits 'error' on the pool; unhandled it would
  // crash the process. The next query simply gets a fresh connection.
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgres" as const,
    prisma,
    migrations,
    async ping() {
      await pool.query("SELECT 1");
    },
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}
