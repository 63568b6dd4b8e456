import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBotStart } from "../../core/customers/register-bot-start.ts";
import type { Database } from "../../core/db/database.ts";
import { isUniqueViolationSql } from "../../core/db/sql.ts";
import { readBotState, writeBotState } from "../../core/db/tables/bot-state.ts";
import {
  selectCustomerById,
  selectCustomerForUpdate,
  updateCustomer,
} from "../../core/db/tables/customers.ts";
import { cardColumns } from "../../core/db/tables/loyalty-cards.ts";
import { completeOnboarding } from "../../core/onboarding/complete-onboarding.ts";
import { giveDataConsent } from "../../core/onboarding/consent.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

let nextTelegramId = 7_000_000_000;
async function activeCustomer() {
  const telegramId = nextTelegramId++;
  const { customer } = await registerBotStart(db.sql, {
    identity: { telegramId, firstName: "Sql" },
    payload: "src_sql",
  });
  await giveDataConsent(db.sql, {
    customerId: customer.id,
    version: "v1",
    identity: { telegramId, firstName: "Sql" },
  });
  await completeOnboarding(db.sql, { customerId: customer.id, welcomeBonus: 10, referralBonus: 0 });
  return { id: customer.id, telegramId };
}

describe(`plain SQL through the driver on ${testDbKind}`, () => {
  it("reads rows exactly as Prisma does (bigint, UTC dates, calendar days, JSON, arrays)", async () => {
    const { id, telegramId } = await activeCustomer();
    await updateCustomer(
      db.sql,
      id,
      {
        birthday: new Date("1990-12-25T00:00:00Z"),
        attributes: { pet: "cat", weight: 4.5, nested: { ok: true } },
        interests: ['coffee "beans"', "tea, green", "a\\b"],
        totalSpentMinor: 12_345_678_901_234n,
      },
      { at: new Date("2026-11-25T23:59:59.123Z") },
    );
    const viaSql = await selectCustomerById(db.sql, id);
    const viaPrisma = await db.prisma.customer.findUniqueOrThrow({ where: { id } });
    expect(viaSql).toEqual(viaPrisma);
    expect(viaSql?.telegramId).toBe(BigInt(telegramId));
    expect(viaSql?.updatedAt.toISOString()).toBe("2026-11-25T23:59:59.123Z");

    const loaded = await selectCustomerForUpdate(db.sql, {
      telegramId,
      seenAt: new Date(),
      seenBefore: new Date(0),
      stateKey: null,
    });
    const card = await db.prisma.loyaltyCard.findUniqueOrThrow({ where: { customerId: id } });
    expect(loaded.customer).toEqual(viaPrisma);
    expect(loaded.card).toEqual(card);
  });

  it("does not depend on the process's time zone", async () => {
    const { id } = await activeCustomer();
    const saved = process.env.TZ;
    process.env.TZ = "Asia/Vladivostok";
    try {
      const at = new Date("2026-03-01T00:30:00.000Z");
      await updateCustomer(db.sql, id, { birthday: new Date("2000-02-29T00:00:00Z") }, { at });
      const row = await selectCustomerById(db.sql, id);
      expect(row?.updatedAt.toISOString()).toBe(at.toISOString());
      expect(row?.birthday?.toISOString()).toBe("2000-02-29T00:00:00.000Z");
      const prismaRow = await db.prisma.customer.findUniqueOrThrow({ where: { id } });
      expect(prismaRow.updatedAt.toISOString()).toBe(at.toISOString());
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("knows every column of the card table (joins rebuild cards from that list)", async () => {
    const rows = await db.sql.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'LoyaltyCard'`,
    );
    expect(rows.map((r) => r.column_name).sort()).toEqual([...cardColumns].sort());
  });

  it("keeps state values whole and replaces them in one statement", async () => {
    const value = { version: [0, 2], state: { text: 'Привет 👋 "quotes" \\ slash', n: [1, 2] } };
    await writeBotState(db.sql, "test:state", value);
    await writeBotState(db.sql, "test:state", { ...value, replaced: true });
    expect(await readBotState(db.sql, "test:state")).toEqual({ ...value, replaced: true });
    expect(await readBotState(db.sql, "test:none")).toBeUndefined();
  });

  it("commits a transaction as a whole, rolls it back on error, and lets a nested one join", async () => {
    const { id } = await activeCustomer();
    await expect(
      db.sql.transaction(async (tx) => {
        await updateCustomer(tx, id, { city: "Казань" }, { at: new Date() });
        await tx.transaction((inner) =>
          updateCustomer(inner, id, { email: "a@example.com" }, { at: new Date() }),
        );
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await selectCustomerById(db.sql, id)).toMatchObject({ city: null, email: null });

    await db.sql.transaction(async (tx) => {
      await updateCustomer(tx, id, { city: "Казань" }, { at: new Date() });
      await tx.transaction((inner) =>
        updateCustomer(inner, id, { email: "a@example.com" }, { at: new Date() }),
      );
    });
    expect(await selectCustomerById(db.sql, id)).toMatchObject({
      city: "Казань",
      email: "a@example.com",
    });
  });

  it("reports a unique violation with PostgreSQL's code and stays usable afterwards", async () => {
    const a = await activeCustomer();
    const b = await activeCustomer();
    await updateCustomer(db.sql, a.id, { phone: "+79990001111" }, { at: new Date() });
    const error = await updateCustomer(db.sql, b.id, { phone: "+79990001111" }, { at: new Date() })
      .then(() => null)
      .catch((e: unknown) => e);
    expect(isUniqueViolationSql(error)).toBe(true);
    expect((await selectCustomerById(db.sql, b.id))?.phone).toBeNull();
  });

  it("prepares statements again when a table changes shape under a running process", async () => {
    await db.sql.query(`CREATE TABLE "ShapeTest" ("id" INTEGER PRIMARY KEY, "size" TEXT)`);
    try {
      await db.sql.query(`INSERT INTO "ShapeTest" VALUES (1, '42')`);
      const select = `SELECT * FROM "ShapeTest" WHERE "id" = $1`;
      // Prepared, then run from the prepared statement (PGlite: with its columns remembered).
      expect(await db.sql.query(select, [1])).toEqual([{ id: 1, size: "42" }]);
      expect(await db.sql.query(select, [1])).toEqual([{ id: 1, size: "42" }]);
      // As a newer version would during a rolling deploy: a column more, a column's type changed.
      await db.sql.query(`ALTER TABLE "ShapeTest" ADD COLUMN "addedByTest" INTEGER DEFAULT 7`);
      await db.sql.query(
        `ALTER TABLE "ShapeTest" ALTER COLUMN "size" TYPE INTEGER USING "size"::integer`,
      );
      // Several times: with a pool, each connection that prepared it meets the stale plan once.
      for (let i = 0; i < 6; i++) {
        expect(await db.sql.query(select, [1])).toEqual([{ id: 1, size: 42, addedByTest: 7 }]);
      }
    } finally {
      await db.sql.query(`DROP TABLE "ShapeTest"`);
    }
  });

  it("answers a statement that returns no rows, and one whose parameters fail, again and again", async () => {
    const update = `UPDATE "Segment" SET "name" = "name" WHERE "id" = $1::uuid`;
    for (let i = 0; i < 3; i++) expect(await db.sql.query(update, [randomUUID()])).toEqual([]);
    const select = `SELECT "id" FROM "Segment" WHERE "id" = $1::uuid`;
    for (let i = 0; i < 3; i++) {
      await expect(db.sql.query(select, ["not-a-uuid"])).rejects.toMatchObject({ code: "22P02" });
    }
    expect(await db.sql.query(select, [randomUUID()])).toEqual([]);
  });
});
