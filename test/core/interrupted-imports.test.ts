import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ImportStatus } from "../../core/db/client.ts";
import type { Database } from "../../core/db/database.ts";
import { updateCustomerImport } from "../../core/db/tables/customer-imports.ts";
import {
  claimImport,
  createInterruptedImportsSweep,
  INTERRUPTED_IMPORT_ERROR,
  releaseImport,
} from "../../core/imports/interrupted-imports.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});
// Each sweep sees every open import: each test starts without any.
beforeEach(async () => {
  await db.prisma.customerImport.deleteMany();
});

const MINUTE = 60_000;
/** The clock the sweeps are given; rows are created relative to it. */
let clock = Date.now();
const now = () => new Date(clock);

async function newImport(status: ImportStatus, ageMinutes: number, processed = 0) {
  const row = await db.prisma.customerImport.create({
    data: {
      id: randomUUID(),
      status,
      fileName: "clients.xlsx",
      rows: processed,
      processed,
      createdAt: new Date(clock - ageMinutes * MINUTE),
    },
  });
  return row.id;
}

const stateOf = (id: string) =>
  db.prisma.customerImport.findUniqueOrThrow({
    where: { id },
    select: { status: true, error: true, finishedAt: true, processed: true },
  });

async function moveProgress(id: string, processed: number) {
  await db.prisma.customerImport.update({ where: { id }, data: { processed, rows: processed } });
}

describe(`interrupted imports on ${testDbKind}`, () => {
  it("fails at once, at start-up, what a stopped process left RUNNING or PENDING over 10 minutes ago", async () => {
    const running = await newImport("RUNNING", 11, 1500);
    const pending = await newImport("PENDING", 30);
    const recent = await newImport("RUNNING", 2, 500);
    const done = await newImport("DONE", 60, 10);
    const failedBefore = await newImport("FAILED", 60);
    const sweep = createInterruptedImportsSweep({ now });

    expect((await sweep(db.sql)).sort()).toEqual([running, pending].sort());
    expect(await stateOf(running)).toEqual({
      status: "FAILED",
      error: INTERRUPTED_IMPORT_ERROR,
      finishedAt: now(),
      processed: 1500,
    });
    expect(await stateOf(pending)).toMatchObject({ status: "FAILED" });
    expect(await stateOf(recent)).toMatchObject({ status: "RUNNING", error: null });
    expect(await stateOf(done)).toMatchObject({ status: "DONE", error: null });
    expect(await stateOf(failedBefore)).toMatchObject({ status: "FAILED", error: null });
    // Nothing left to do for those: a second sweep changes nothing.
    expect(await sweep(db.sql)).toEqual([]);
  });

  it("fails an import of another process once its progress has stood still for 10 minutes", async () => {
    const id = await newImport("RUNNING", 2, 500);
    const sweep = createInterruptedImportsSweep({ now });
    expect(await sweep(db.sql)).toEqual([]);

    clock += 5 * MINUTE; // it moved meanwhile: alive
    await moveProgress(id, 1000);
    expect(await sweep(db.sql)).toEqual([]);
    clock += 9 * MINUTE; // still at 1000, but only for 9 minutes
    expect(await sweep(db.sql)).toEqual([]);
    expect(await stateOf(id)).toMatchObject({ status: "RUNNING" });
    clock += 1 * MINUTE;
    expect(await sweep(db.sql)).toEqual([id]);
    expect(await stateOf(id)).toMatchObject({ status: "FAILED", error: INTERRUPTED_IMPORT_ERROR });
  });

  it("never touches an import this process runs", async () => {
    const id = await newImport("RUNNING", 45, 200);
    claimImport(id);
    const sweep = createInterruptedImportsSweep({ now });
    try {
      expect(await sweep(db.sql)).toEqual([]);
      clock += 30 * MINUTE;
      expect(await sweep(db.sql)).toEqual([]);
      expect(await stateOf(id)).toMatchObject({ status: "RUNNING" });
    } finally {
      releaseImport(id);
    }
    // Released without finishing (its run died in this process): now it is like any other.
    clock += 10 * MINUTE;
    expect(await sweep(db.sql)).toEqual([id]);
  });

  it("a live import marked by mistake (another process, started long ago) heals at its next batch", async () => {
    const id = await newImport("RUNNING", 20, 2000);
    const sweep = createInterruptedImportsSweep({ now });
    expect(await sweep(db.sql)).toEqual([id]);
    // What runImport writes after each batch.
    await updateCustomerImport(db.sql, id, {
      status: "RUNNING",
      rows: 2500,
      processed: 2500,
      created: 2500,
      updated: 0,
      rejected: [],
      rejectedCount: 0,
    });
    expect(await stateOf(id)).toEqual({
      status: "RUNNING",
      error: null,
      finishedAt: null,
      processed: 2500,
    });
    // And the sweep, having seen it move, waits another 10 minutes of stillness.
    clock += 1 * MINUTE;
    expect(await sweep(db.sql)).toEqual([]);
    // Until it really stops.
    clock += 10 * MINUTE;
    expect(await sweep(db.sql)).toEqual([id]);
  });
});
