import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../core/db/database.ts";
import { type JsonAnswer, jsonRequest, testApi } from "../support/api.ts";
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

async function call(method: string, path: string, token?: string): Promise<JsonAnswer> {
  const response = await api.request(path, jsonRequest(method, undefined, token));
  return { status: response.status, body: await response.json() };
}

let n = 0;
/** A customer with a card and a purchase of `amountMinor`. */
async function buyer(name: string, phone: string, amountMinor: bigint) {
  const id = ++n;
  const customer = await db.prisma.customer.create({
    data: { referralCode: `FAPI${id}`, status: "ACTIVE", name, phone },
  });
  const card = await db.prisma.loyaltyCard.create({
    data: { number: `5000000000${id}`, customerId: customer.id },
  });
  const purchase = await db.prisma.purchase.create({
    data: { customerId: customer.id, cardId: card.id, amountMinor, idempotencyKey: `fapi-${id}` },
  });
  return { customer, card, purchase };
}

describe(`feedback API on ${testDbKind}`, () => {
  it("lists feedback items newest first, filtered by status", async () => {
    const olga = await buyer("Ольга", "+79990000001", 125_050n);
    const ivan = await buyer("Иван", "+79990000002", 99_00n);
    const pyotr = await buyer("Пётр", "+79990000003", 500_00n);
    const anna = await db.prisma.staffMember.create({ data: { name: "Анна", role: "MANAGER" } });
    const closed = await db.prisma.feedback.create({
      data: {
        customerId: olga.customer.id,
        purchaseId: olga.purchase.id,
        scale: "rating",
        score: 2,
        comment: "Долго ждала",
        status: "CLOSED",
        answer: "Простите, исправимся",
        answeredById: anna.id,
        createdAt: new Date("2026-06-01T10:00:00Z"),
        closedAt: new Date("2026-06-01T12:00:00Z"),
      },
    });
    const open = await db.prisma.feedback.create({
      data: {
        customerId: ivan.customer.id,
        purchaseId: ivan.purchase.id,
        scale: "nps",
        score: 4,
        comment: null,
        status: "OPEN",
        createdAt: new Date("2026-06-02T10:00:00Z"),
      },
    });
    // A high score opens no item: not listed.
    await db.prisma.feedback.create({
      data: {
        customerId: pyotr.customer.id,
        purchaseId: pyotr.purchase.id,
        scale: "rating",
        score: 5,
        createdAt: new Date("2026-06-03T10:00:00Z"),
      },
    });

    const all = await call("GET", "/api/feedback");
    expect(all.status).toBe(200);
    expect(all.body.feedback.map((f: { id: string }) => f.id)).toEqual([open.id, closed.id]);
    expect(all.body.feedback[1]).toEqual({
      id: closed.id,
      status: "closed",
      score: 2,
      scale: "rating",
      comment: "Долго ждала",
      customer: {
        id: olga.customer.id,
        name: "Ольга",
        phone: "+79990000001",
        telegramUsername: null,
        cardNumber: olga.card.number,
      },
      purchase: {
        id: olga.purchase.id,
        amountMinor: "125050",
        currency: "RUB",
        createdAt: olga.purchase.createdAt.toISOString(),
      },
      answer: "Простите, исправимся",
      answeredBy: { id: anna.id, name: "Анна" },
      createdAt: "2026-06-01T10:00:00.000Z",
      closedAt: "2026-06-01T12:00:00.000Z",
    });
    expect(all.body.feedback[0]).toMatchObject({
      status: "open",
      scale: "nps",
      score: 4,
      answer: null,
      answeredBy: null,
      closedAt: null,
      purchase: { amountMinor: "9900" },
    });

    const opened = await call("GET", "/api/feedback?status=open");
    expect(opened.body.feedback.map((f: { id: string }) => f.id)).toEqual([open.id]);
    const closedOnly = await call("GET", "/api/feedback?status=closed");
    expect(closedOnly.body.feedback.map((f: { id: string }) => f.id)).toEqual([closed.id]);
    const limited = await call("GET", "/api/feedback?limit=1");
    expect(limited.body.feedback).toHaveLength(1);

    const bad = await call("GET", "/api/feedback?status=pending");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual([
      "status",
    ]);
  });

  it("is for managers and owners: a cashier's token gets 403", async () => {
    const token = async (role: string) => {
      const response = await api.request(
        "/api/tokens",
        jsonRequest("POST", { name: `${role} token`, role }),
      );
      return ((await response.json()) as { token: string }).token;
    };
    expect((await call("GET", "/api/feedback", await token("CASHIER"))).status).toBe(403);
    expect((await call("GET", "/api/feedback", await token("MANAGER"))).status).toBe(200);
  });
});
