import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../core/db/database.ts";
import { formatCardNumber, luhnCheckDigit } from "../../core/loyalty/card-number.ts";
import { postLedgerEntry } from "../../core/loyalty/ledger.ts";
import { jsonCaller, testApi } from "../support/api.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

let db: Database;
let api: ReturnType<typeof testApi>;
beforeAll(async () => {
  db = await openTestDatabase();
  api = testApi(db);
});
afterAll(async () => {
  await db?.close();
});

const call = (...args: Parameters<ReturnType<typeof jsonCaller>>) => jsonCaller(api)(...args);

let counter = 0;
async function customer(points: number) {
  const n = ++counter;
  const c = await db.prisma.customer.create({
    data: { referralCode: `APIP${n}`, status: "ACTIVE" },
  });
  const body = `7${String(n).padStart(10, "0")}`;
  // A valid check digit (Luhn), as a printed card has.
  const card = await db.prisma.loyaltyCard.create({
    data: { number: body + luhnCheckDigit(body), customerId: c.id },
  });
  if (points) {
    await postLedgerEntry(db.sql, {
      card: { id: card.id },
      kind: "WELCOME",
      delta: points,
      idempotencyKey: `welcome:${c.id}`,
    });
  }
  return { id: c.id, card: card.number };
}

describe(`purchases API on ${testDbKind}`, () => {
  it("records a purchase by card number once per idempotency key, and refunds it", async () => {
    const vera = await customer(100);
    const preview = await call("POST", "/api/purchases/preview", {
      cardNumber: formatCardNumber(vera.card),
      amountMinor: 50_000,
      pointsToSpend: 100,
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ paidMinor: "40000", pointsEarned: 20, maxSpendable: 100 });

    const body = {
      cardNumber: vera.card,
      amountMinor: "50000",
      pointsToSpend: 100,
      idempotencyKey: "till-1:0001",
    };
    const created = await call("POST", "/api/purchases", body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      duplicate: false,
      balance: 20,
      purchase: { customerId: vera.id, amountMinor: "50000", pointsSpent: 100, pointsEarned: 20 },
    });
    const again = await call("POST", "/api/purchases", body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      duplicate: true,
      purchase: { id: created.body.purchase.id },
    });

    const id = created.body.purchase.id;
    const refund = { amountMinor: 25_000, idempotencyKey: "refund-0001" };
    const refunded = await call("POST", `/api/purchases/${id}/refunds`, refund);
    expect(refunded.status).toBe(201);
    expect(refunded.body).toMatchObject({
      remainingMinor: "25000",
      refund: { pointsSpentReturned: 50, pointsEarnedReversed: 10 },
      balance: 60,
    });
    expect((await call("POST", `/api/purchases/${id}/refunds`, refund)).body.duplicate).toBe(true);
    const tooMuch = await call("POST", `/api/purchases/${id}/refunds`, {
      amountMinor: 30_000,
      idempotencyKey: "refund-0002",
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.details).toMatchObject({ remainingMinor: "25000" });
    const audit = await db.prisma.auditEntry.findMany({
      where: { customerId: vera.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual(["purchase.recorded", "purchase.refunded"]);
  });

  it("answers bad purchases precisely", async () => {
    const vera = await customer(10);
    const bad = async (body: Record<string, unknown>) =>
      call("POST", "/api/purchases", { idempotencyKey: "bad-input-1", ...body });
    const zero = await bad({ customerId: vera.id, amountMinor: 0 });
    expect(zero.status).toBe(400);
    expect(zero.body.error.details.issues[0].field).toBe("amountMinor");
    expect((await bad({ customerId: vera.id, amountMinor: -5 })).status).toBe(400);
    expect((await bad({ customerId: vera.id, amountMinor: 12.5 })).status).toBe(400);
    const both = await bad({ customerId: vera.id, cardNumber: vera.card, amountMinor: 100 });
    expect(both.body.error.details.issues[0].message).toBe(
      "give exactly one of customerId and cardNumber",
    );
    const typo = await bad({
      cardNumber: `${vera.card.slice(0, 11)}${(Number(vera.card[11]) + 1) % 10}`,
      amountMinor: 100,
    });
    expect(typo.status).toBe(400);
    expect(typo.body.error).toMatchObject({ message: "No such card: check the digits" });
    const tooMany = await bad({ customerId: vera.id, amountMinor: 100_000, pointsToSpend: 11 });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error.details).toMatchObject({ reason: "balance", spendable: 10 });
    const absurd = await bad({ customerId: vera.id, amountMinor: 10 ** 12 });
    expect(absurd.status).toBe(400);
    expect(
      (await call("POST", "/api/purchases/not-a-uuid/refunds", { idempotencyKey: "x".repeat(8) }))
        .status,
    ).toBe(400);
    const missing = await call(
      "POST",
      "/api/purchases/00000000-0000-4000-8000-000000000000/refunds",
      {
        idempotencyKey: "missing-1",
      },
    );
    expect(missing.status).toBe(404);
    expect(await db.prisma.purchase.count({ where: { customerId: vera.id } })).toBe(0);
  });

  it("lets a cashier record purchases but not refund them", async () => {
    const vera = await customer(0);
    const token = (await call("POST", "/api/tokens", { name: "Касса", role: "CASHIER" })).body
      .token as string;
    const created = await call(
      "POST",
      "/api/purchases",
      { customerId: vera.id, amountMinor: 1000, idempotencyKey: "cashier-1" },
      token,
    );
    expect(created.status).toBe(201);
    const refused = await call(
      "POST",
      `/api/purchases/${created.body.purchase.id}/refunds`,
      { idempotencyKey: "cashier-refund" },
      token,
    );
    expect(refused.status).toBe(403);
  });
});
