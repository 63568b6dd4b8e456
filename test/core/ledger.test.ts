import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../core/db/database.ts";
import { AppError } from "../../core/errors.ts";
import { postLedgerEntry } from "../../core/loyalty/ledger.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

let counter = 0;
async function newCard() {
  counter++;
  const customer = await db.prisma.customer.create({ data: { referralCode: `LEDGER${counter}` } });
  const card = await db.prisma.loyaltyCard.create({
    data: { number: `9${String(counter).padStart(11, "0")}`, customerId: customer.id },
  });
  return { customerId: customer.id, cardId: card.id };
}

async function balanceOf(cardId: string) {
  const card = await db.prisma.loyaltyCard.findUniqueOrThrow({ where: { id: cardId } });
  const sum = await db.prisma.pointsEntry.aggregate({ where: { cardId }, _sum: { delta: true } });
  return { cached: card.balance, ledger: sum._sum.delta ?? 0 };
}

describe(`points ledger on ${testDbKind}`, () => {
  it("records an operation once however many times it is retried", async () => {
    const card = await newCard();
    const post = () =>
      db.sql.transaction((tx) =>
        postLedgerEntry(tx, {
          card: { id: card.cardId },
          kind: "WELCOME",
          delta: 100,
          idempotencyKey: `welcome:${card.customerId}`,
        }),
      );
    const first = await post();
    const second = await post();
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.entry.id).toBe(first.entry.id);
    expect(await balanceOf(card.cardId)).toEqual({ cached: 100, ledger: 100 });
  });

  it("counts a double tap once even when both requests arrive together", async () => {
    const card = await newCard();
    const key = `purchase-bonus:${card.customerId}:1`;
    const attempt = () =>
      db.sql
        .transaction((tx) =>
          postLedgerEntry(tx, {
            card: { id: card.cardId },
            kind: "PURCHASE",
            delta: 40,
            idempotencyKey: key,
          }),
        )
        .then(
          (r) => r.entry.id,
          (e: unknown) => e,
        );
    await Promise.all([attempt(), attempt(), attempt()]);
    expect(await db.prisma.pointsEntry.count({ where: { idempotencyKey: key } })).toBe(1);
    expect(await balanceOf(card.cardId)).toEqual({ cached: 40, ledger: 40 });
  });

  it("never lets a balance go negative, not even with racing debits", async () => {
    const card = await newCard();
    await db.sql.transaction((tx) =>
      postLedgerEntry(tx, {
        card: { id: card.cardId },
        kind: "ADJUSTMENT",
        delta: 100,
        idempotencyKey: `adj:${card.cardId}`,
      }),
    );
    const debit = (n: number) =>
      db.sql
        .transaction((tx) =>
          postLedgerEntry(tx, {
            card: { id: card.cardId },
            kind: "REDEEM",
            delta: -70,
            idempotencyKey: `redeem:${card.cardId}:${n}`,
          }),
        )
        .then(
          () => "ok" as const,
          (e: unknown) => e,
        );
    const results = await Promise.all([debit(1), debit(2)]);
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
    const refused = results.find((r) => r !== "ok");
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("insufficient_points");
    expect(await balanceOf(card.cardId)).toEqual({ cached: 30, ledger: 30 });
  });

  it("refuses zero and fractional amounts", async () => {
    const card = await newCard();
    for (const delta of [0, 1.5]) {
      await expect(
        db.sql.transaction((tx) =>
          postLedgerEntry(tx, {
            card: { id: card.cardId },
            kind: "ADJUSTMENT",
            delta,
            idempotencyKey: `bad:${delta}`,
          }),
        ),
      ).rejects.toMatchObject({ code: "invalid_input" });
    }
  });
});
