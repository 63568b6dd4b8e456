import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import type { PGlite } from "@electric-sql/pglite";
import { type MigrationLogger, type MigrationReport, migrate } from "../../prisma/migrator.ts";
import type { PrismaClient } from "./client.ts";
import { lazyPrisma } from "./lazy-prisma.ts";
import type { Sql, StatementObserver } from "./sql.ts";
import { pgliteSession, pgSession } from "./sql-session.ts";

export type DatabaseKind = "pglite" | "postgres";

export type Database = {
  readonly kind: DatabaseKind;
  /** The driver itself: the hot path's statements (see sql.ts). */
  readonly sql: Sql;
  /** Typed queries for everything else; loaded on first use (see lazy-prisma.ts). */
  readonly prisma: PrismaClient;
  readonly migrations: MigrationReport;
  /** Throws when the database does not answer; used by /healthz. */
  ping(): Promise<void>;
  /**
   * A connection of its own, outside the pool, for what belongs to a session (the scheduler's
   * leader lock). Only on PostgreSQL: PGlite is one connection in one process.
   */
  dedicatedConnection?(): Promise<DedicatedConnection>;
  close(): Promise<void>;
};

export type DedicatedConnection = {
  query<Row extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<Row[]>;
  /** Called once when the connection breaks (server restart, network, terminated backend). */
  onLost(listener: (error: Error) => void): void;
  close(): Promise<void>;
};

export type DatabaseOptions =
  /**
   * `dataDir` undefined = in memory (tests). `template`: a dump (PGlite's dumpDataDir) to start
   * from instead of an empty cluster; pending migrations still run on top of it.
   */
  | { kind: "pglite"; dataDir?: string; template?: Blob }
  | { kind: "postgres"; url: string; poolSize?: number };

export type OpenDatabaseOptions = {
  logger?: MigrationLogger;
  /** Called with every statement sent to the database, Prisma's included (tests, benchmarks). */
  onStatement?: StatementObserver;
};

/**
 * The database the configuration names: PostgreSQL at DATABASE_URL, otherwise the embedded one
 * in DATA_DIR/pglite. The app and every command-line tool open it through this.
 */
export function configuredDatabase(config: {
  databaseUrl: string | undefined;
  dataDir: string;
}): DatabaseOptions {
  return config.databaseUrl
    ? { kind: "postgres", url: config.databaseUrl }
    : { kind: "pglite", dataDir: join(config.dataDir, "pglite") };
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(
  options: DatabaseOptions,
  { logger, onStatement }: OpenDatabaseOptions = {},
): Promise<Database> {
  return options.kind === "pglite"
    ? openPglite(options.dataDir, options.template, logger, onStatement)
    : openPostgres(options.url, options.poolSize ?? 10, logger, onStatement);
}

// Loaded only by the process that uses it: PGlite is about 10 MB of WebAssembly.
async function openPglite(
  dataDir: string | undefined,
  template: Blob | undefined,
  logger: MigrationLogger | undefined,
  onStatement: StatementObserver | undefined,
): Promise<Database> {
  const [{ PGlite }, { pgliteOptions }, { initPgliteDataDir }, { lockDataDir }, sqlModule] =
    await Promise.all([
      import("@electric-sql/pglite"),
      import("./pglite-options.ts"),
      import("./pglite-initdb.ts"),
      import("./data-dir-lock.ts"),
      import("./pglite-sql.ts"),
    ]);
  const { pgliteSql, observePglite } = sqlModule;
  useBaselineWasmCompiler();
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const unlock = dataDir ? await lockDataDir(dataDir) : async () => {};
  let pglite: PGlite;
  try {
    if (dataDir && !template) await initPgliteDataDir(dataDir, pgliteOptions());
    pglite = await PGlite.create(
      pgliteOptions({
        ...(dataDir ? { dataDir } : {}),
        ...(template ? { loadDataDir: template } : {}),
      }),
    );
  } catch (error) {
    await unlock();
    throw error;
  }
  try {
    const migrations = await migrate(pgliteSession(pglite), { logger });
    const db = onStatement ? observePglite(pglite, onStatement) : pglite;
    const prisma = lazyPrisma(async () => {
      const [{ PrismaClient }, { pgliteAdapter }] = await Promise.all([
        import("./client.ts"),
        import("./pglite-adapter.ts"),
      ]);
      return new PrismaClient({ adapter: pgliteAdapter(db) });
    });
    return {
      kind: "pglite",
      sql: pgliteSql(db, onStatement),
      prisma: prisma.client,
      migrations,
      async ping() {
        await pglite.query("SELECT 1");
      },
      async close() {
        await prisma.dispose();
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

/**
 * V8 compiles WebAssembly twice: quickly (Liftoff) and then, for hot functions, optimised
 * (TurboFan), keeping both. For PGlite's 9 MB of PostgreSQL that second copy is about 40–50 MB
 * of memory, while the statements the bot sends are short enough that it does not make them
 * measurably faster (bench:updates shows the same throughput either way). Set before PGlite's
 * module is compiled; it only concerns WebAssembly.
 */
function useBaselineWasmCompiler(): void {
  setFlagsFromString("--liftoff-only");
}

async function openPostgres(
  url: string,
  poolSize: number,
  logger: MigrationLogger | undefined,
  onStatement: StatementObserver | undefined,
): Promise<Database> {
  const [{ default: pg }, { createPgPool, pgSql }] = await Promise.all([
    import("pg"),
    import("./pg-sql.ts"),
  ]);
  // Migrations need one dedicated connection: the advisory lock belongs to a session.
  const migrationClient = new pg.Client({ connectionString: url });
  await migrationClient.connect();
  let migrations: MigrationReport;
  try {
    migrations = await migrate(pgSession(migrationClient), { logger });
  } finally {
    await migrationClient.end();
  }
  const pool = createPgPool({ connectionString: url, max: poolSize }, onStatement);
  // An idle client that loses its connection emits 'error' on the pool; unhandled it would
  // crash the process. The next query simply gets a fresh connection.
  pool.on("error", () => {});
  const prisma = lazyPrisma(async () => {
    const [{ PrismaClient }, { PrismaPg }] = await Promise.all([
      import("./client.ts"),
      import("@prisma/adapter-pg"),
    ]);
    return new PrismaClient({ adapter: new PrismaPg(pool) });
  });
  return {
    kind: "postgres",
    sql: pgSql(pool),
    prisma: prisma.client,
    migrations,
    async ping() {
      await pool.query("SELECT 1");
    },
    async dedicatedConnection() {
      // keepAlive: a vanished peer is noticed by the socket, not only at the next query.
      const client = new pg.Client({ connectionString: url, keepAlive: true });
      let lost: ((error: Error) => void) | undefined;
      let closed = false;
      const loseOnce = (error: Error) => {
        if (closed) return;
        closed = true;
        lost?.(error);
      };
      client.on("error", loseOnce);
      client.on("end", () => loseOnce(new Error("connection ended")));
      await client.connect();
      return {
        async query<Row extends object>(text: string, params?: readonly unknown[]) {
          const result = await client.query<Row>(text, params ? [...params] : undefined);
          return result.rows;
        },
        onLost(listener: (error: Error) => void) {
          lost = listener;
        },
        async close() {
          closed = true;
          await client.end().catch(() => {});
        },
      };
    },
    async close() {
      await prisma.dispose();
      await pool.end().catch(() => {});
    },
  };
}
