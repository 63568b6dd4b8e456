import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import pg from "pg";
import { inject } from "vitest";
import { type Database, type DatabaseOptions, openDatabase } from "../../core/db/database.ts";

export type TestDbKind = "pglite" | "postgres";

let template: Blob | undefined;

/** The migrated template made by global-setup.ts, read once per test file. */
async function pgliteTemplate(): Promise<Blob | undefined> {
  const path = inject("pgliteTemplate");
  if (!path) return undefined;
  template ??= new Blob([await readFile(path)]);
  return template;
}

export const testDbKind: TestDbKind =
  process.env.TEST_DB_KIND === "postgres" ? "postgres" : "pglite";

export type TestDatabase = {
  options: DatabaseOptions;
  /** Only for PostgreSQL: the fresh database's URL (several processes may connect to it). */
  url?: string;
  drop(): Promise<void>;
};

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set");
  return url;
}

/**
 * A fresh, empty database for one test file: in-memory PGlite, or a new PostgreSQL database
 * created next to TEST_DATABASE_URL and dropped afterwards.
 */
export async function createEmptyDatabase(kind: TestDbKind = testDbKind): Promise<TestDatabase> {
  if (kind === "pglite") return { options: { kind: "pglite" }, drop: async () => {} };
  const name = `loyalty_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    options: { kind: "postgres", url: url.toString(), poolSize: 5 },
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * A migrated database; `close()` also drops it. `onStatement` sees every statement sent to it
 * (Prisma's included), for tests that count them.
 */
export async function openTestDatabase(
  options: { onStatement?: (sql: string) => void } = {},
): Promise<Database & { url?: string }> {
  const empty = await createEmptyDatabase();
  const db = await openDatabase(
    empty.options.kind === "pglite"
      ? { kind: "pglite", template: await pgliteTemplate() }
      : empty.options,
    options.onStatement ? { onStatement: options.onStatement } : {},
  );
  return {
    ...db,
    ...(empty.url ? { url: empty.url } : {}),
    async close() {
      await db.close();
      await empty.drop();
    },
  };
}
