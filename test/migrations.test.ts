import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../core/db/database.ts";
import { pgliteOptions } from "../core/db/pglite-options.ts";
import { pgliteSession, pgSession } from "../core/db/sql-session.ts";
import {
  type Migration,
  MigrationError,
  migrate,
  readMigrations,
  type SqlSession,
} from "../prisma/migrator.ts";
import { createEmptyDatabase, type TestDatabase, testDbKind } from "./support/database.ts";

function migration(name: string, sql: string): Migration {
  return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  // Connections first (unshifted), then the databases they use (pushed).
  while (cleanups.length) await cleanups.shift()?.();
});

/** A raw session on a fresh empty database of the kind under test. */
async function freshSession(): Promise<{ session: SqlSession; db: TestDatabase }> {
  const db = await createEmptyDatabase();
  cleanups.push(() => db.drop());
  if (db.options.kind === "pglite") {
    const pglite = await PGlite.create(pgliteOptions());
    cleanups.unshift(() => pglite.close());
    return { session: pgliteSession(pglite), db };
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  cleanups.unshift(() => client.end());
  return { session: pgSession(client), db };
}

async function tableNames(session: SqlSession): Promise<string[]> {
  const rows = await session.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
  );
  return rows.map((r) => r.table_name);
}

describe(`migrations on ${testDbKind}`, () => {
  it("applies every migration once and records it like Prisma does", async () => {
    const { session } = await freshSession();
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);

    const first = await migrate(session);
    expect(first.applied).toEqual(migrations.map((m) => m.name));

    const rows = await session.query<{
      migration_name: string;
      checksum: string;
      applied_steps_count: number;
    }>(
      `SELECT migration_name, checksum, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows).toEqual(
      migrations.map((m) => ({
        migration_name: m.name,
        checksum: m.checksum,
        applied_steps_count: 1,
      })),
    );
    expect(await tableNames(session)).toEqual(
      expect.arrayContaining([
        "Customer",
        "LoyaltyCard",
        "PointsEntry",
        "BotState",
        "_prisma_migrations",
      ]),
    );

    const second = await migrate(session);
    expect(second).toEqual({ applied: [], alreadyApplied: migrations.map((m) => m.name) });
  });

  it("rolls a failing migration back completely and says which one failed", async () => {
    const { session } = await freshSession();
    const good = migration("001_good", `CREATE TABLE "kept" ("id" INT);`);
    const bad = migration(
      "002_bad",
      `CREATE TABLE "half_done" ("id" INT);\nALTER TABLE "no_such_table" ADD COLUMN "x" INT;`,
    );
    const error = await migrate(session, { migrations: [good, bad] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).migration).toBe("002_bad");
    expect((error as Error).message).toMatch(/no_such_table/);

    const tables = await tableNames(session);
    expect(tables).toContain("kept");
    expect(tables).not.toContain("half_done");
    const names = await session.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations"`,
    );
    expect(names.map((r) => r.migration_name)).toEqual(["001_good"]);

    // Once fixed, the next start applies it.
    const fixed = migration("002_bad", `CREATE TABLE "half_done" ("id" INT);`);
    const report = await migrate(session, { migrations: [good, fixed] });
    expect(report.applied).toEqual(["002_bad"]);
  });

  it("enforces the ledger rules in the database itself", async () => {
    const { db: empty } = await freshSession();
    const db = await openDatabase(empty.options);
    cleanups.unshift(() => db.close());
    const customer = await db.prisma.customer.create({ data: { referralCode: "R1" } });
    const card = await db.prisma.loyaltyCard.create({
      data: { number: "1000-0000-0001", customerId: customer.id },
    });
    const entry = await db.prisma.pointsEntry.create({
      data: {
        cardId: card.id,
        customerId: customer.id,
        kind: "WELCOME",
        delta: 100,
        balanceAfter: 100,
        idempotencyKey: "welcome:1",
      },
    });
    await expect(
      db.prisma.pointsEntry.update({ where: { id: entry.id }, data: { delta: 1000 } }),
    ).rejects.toThrow(/append-only/);
    await expect(db.prisma.pointsEntry.delete({ where: { id: entry.id } })).rejects.toThrow(
      /append-only/,
    );
    await expect(
      db.prisma.loyaltyCard.update({ where: { id: card.id }, data: { balance: -1 } }),
    ).rejects.toThrow(/balance_nonnegative/);
  });
});

describe.runIf(testDbKind === "pglite")("PGlite data directory", () => {
  it("keeps data and migration history across restarts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "loyalty-pglite-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const first = await openDatabase({ kind: "pglite", dataDir: dir });
    expect(first.migrations.applied.length).toBeGreaterThan(0);
    await first.prisma.customer.create({ data: { referralCode: "KEEP" } });
    await first.close();

    const second = await openDatabase({ kind: "pglite", dataDir: dir });
    cleanups.unshift(() => second.close());
    expect(second.migrations.applied).toEqual([]);
    expect(await second.prisma.customer.count({ where: { referralCode: "KEEP" } })).toBe(1);
  });

  it("refuses a data directory another live process is using, and takes over a stale lock", async () => {
    const parent = await mkdtemp(join(tmpdir(), "loyalty-pglite-"));
    cleanups.push(() => rm(parent, { recursive: true, force: true }));
    const dir = join(parent, "pglite");
    const lock = join(parent, "pglite.lock");
    // pid 1 is always alive; a huge pid never is.
    await writeFile(lock, "1");
    await expect(openDatabase({ kind: "pglite", dataDir: dir })).rejects.toThrow(
      /in use by another process \(pid 1\)/,
    );
    await writeFile(lock, "999999999");
    const db = await openDatabase({ kind: "pglite", dataDir: dir });
    expect(await readFile(lock, "utf8")).toBe(String(process.pid));
    await db.close();
    await expect(readFile(lock, "utf8")).rejects.toThrow(/ENOENT/);
  });
});

describe.runIf(testDbKind === "postgres")("concurrent start-up on PostgreSQL", () => {
  it("lets only one of two simultaneous migrators apply each migration", async () => {
    const empty = await createEmptyDatabase("postgres");
    cleanups.push(() => empty.drop());
    const clients = [0, 1].map(() => new pg.Client({ connectionString: empty.url }));
    await Promise.all(clients.map((c) => c.connect()));
    cleanups.unshift(async () => {
      await Promise.all(clients.map((c) => c.end()));
    });
    // The sleep holds the lock long enough for the two runs to overlap for certain.
    const migrations = [
      migration("001_slow", `SELECT pg_sleep(0.5); CREATE TABLE "once" ("id" INT);`),
      migration("002_next", `ALTER TABLE "once" ADD COLUMN "name" TEXT;`),
    ];
    const reports = await Promise.all(clients.map((c) => migrate(pgSession(c), { migrations })));
    const appliedByAnyone = reports.flatMap((r) => r.applied).sort();
    expect(appliedByAnyone).toEqual(["001_slow", "002_next"]);
    const rows = await pgSession(clients[0] as pg.Client).query<{ n: string }>(
      `SELECT count(*)::text AS n FROM "_prisma_migrations"`,
    );
    expect(rows[0]?.n).toBe("2");
  });

  it("lets two app instances start together on one database", async () => {
    const empty = await createEmptyDatabase("postgres");
    cleanups.push(() => empty.drop());
    if (empty.options.kind !== "postgres") throw new Error("unreachable");
    const [a, b] = await Promise.all([openDatabase(empty.options), openDatabase(empty.options)]);
    cleanups.unshift(async () => {
      await Promise.all([a?.close(), b?.close()]);
    });
    const total = (a?.migrations.applied.length ?? 0) + (b?.migrations.applied.length ?? 0);
    expect(total).toBe((await readMigrations()).length);
  });
});
