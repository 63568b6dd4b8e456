import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../core/db/database.ts";
import { selectQuestions } from "../../core/db/tables/questions.ts";
import { luhnCheckDigit } from "../../core/loyalty/card-number.ts";
import { saveAnswer } from "../../core/questions/save-answer.ts";
import { issueFields, jsonCaller, testApi } from "../support/api.ts";
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
async function customerWithCard() {
  const n = ++counter;
  const customer = await db.prisma.customer.create({
    data: {
      referralCode: `C360${n}`,
      status: "ACTIVE",
      name: "Вера",
      phone: `+7999000${String(n).padStart(4, "0")}`,
      source: "instagram",
      dataConsentAt: new Date("2026-01-05T10:00:00Z"),
      dataConsentVersion: "v1",
      tags: ["vip"],
    },
  });
  const body = `4${String(n).padStart(10, "0")}`;
  const card = await db.prisma.loyaltyCard.create({
    data: { number: body + luhnCheckDigit(body), customerId: customer.id },
  });
  return { id: customer.id, card: card.number };
}

async function token(role: string) {
  return (await call("POST", "/api/tokens", { name: `${role} token`, role })).body.token as string;
}

describe(`the customer's 360° view on ${testDbKind}`, () => {
  it("shows consents, metrics, answers, feedback, purchases, ledger and outbox together", async () => {
    const created = await call("POST", "/api/questions", {
      key: "pet_count",
      type: "number",
      text: { ru: "Сколько у вас питомцев?" },
      min: 0,
      max: 10,
    });
    expect(created.status).toBe(201);
    const vera = await customerWithCard();
    const question = (await selectQuestions(db.sql)).find((q) => q.key === "pet_count");
    for (const value of [1, 2]) {
      await saveAnswer(db.sql, {
        customerId: vera.id,
        question: question as NonNullable<typeof question>,
        value,
        source: "profile",
        consentVersion: "v1",
      });
    }
    const bought = await call("POST", "/api/purchases", {
      cardNumber: vera.card,
      amountMinor: "120000",
      pointsToSpend: 0,
      idempotencyKey: "c360-purchase-1",
    });
    expect(bought.status).toBe(201);
    await db.prisma.feedback.create({
      data: {
        customerId: vera.id,
        purchaseId: bought.body.purchase.id,
        scale: "rating",
        score: 5,
        comment: "Спасибо!",
      },
    });

    const answer = await call("GET", `/api/customers/${vera.id}`);
    expect(answer.status).toBe(200);
    const body = answer.body;
    // The fields the detail had before stay as they were.
    expect(body.customer).toMatchObject({ id: vera.id, name: "Вера", tags: ["vip"] });
    expect(body.customer.attributes).toEqual({ pet_count: 2 });
    expect(body.customer.answers).toEqual([
      expect.objectContaining({ key: "pet_count", value: 2 }),
    ]);
    expect(body.ledger[0]).toMatchObject({ kind: "PURCHASE", delta: 60 });
    expect(body.timeline.length).toBeGreaterThan(0);
    // And the 360° sections.
    expect(body.consents).toEqual({
      data: { at: "2026-01-05T10:00:00.000Z", version: "v1", declinedAt: null },
      marketing: { given: false, at: null, version: null },
      health: { at: null, version: null, declinedAt: null },
    });
    expect(body.metrics).toMatchObject({
      purchaseCount: 1,
      totalSpentMinor: "120000",
      referrals: 0,
    });
    expect(body.answerHistoryCount).toBe(2);
    expect(body.purchases).toEqual([
      expect.objectContaining({
        id: bought.body.purchase.id,
        amountMinor: "120000",
        pointsEarned: 60,
      }),
    ]);
    expect(body.feedback).toEqual([
      expect.objectContaining({ scale: "rating", score: 5, comment: "Спасибо!" }),
    ]);
    expect(body.deliveries).toEqual([
      expect.objectContaining({ kind: "purchase_receipt", status: "PENDING", service: true }),
    ]);
  });

  it("edits fields, tags and attributes, audited and on the timeline", async () => {
    const ada = await customerWithCard();
    const edited = await call("PATCH", `/api/customers/${ada.id}`, {
      name: "Ада",
      email: "ADA@Example.com",
      birthday: "1990-12-25",
      gender: "FEMALE",
      tags: ["vip", "wholesale", "vip"],
      attributes: { pet_count: "3" },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.customer).toMatchObject({
      name: "Ада",
      email: "ada@example.com",
      birthday: "1990-12-25",
      gender: "FEMALE",
      tags: ["vip", "wholesale"],
      attributes: { pet_count: 3 },
    });
    const cleared = await call("PATCH", `/api/customers/${ada.id}`, {
      city: null,
      attributes: { pet_count: null },
    });
    expect(cleared.body.customer.attributes).toEqual({});

    const events = await db.prisma.customerEvent.findMany({
      where: { customerId: ada.id, type: "profile.edited" },
      orderBy: { createdAt: "asc" },
    });
    expect(events.map((e) => (e.data as { fields: string[] }).fields)).toEqual([
      ["name", "email", "birthday", "gender", "tags", "attributes.pet_count"],
      ["city", "attributes.pet_count"],
    ]);
    const audit = await call("GET", `/api/audit?customerId=${ada.id}`);
    expect(
      audit.body.entries.filter((e: { action: string }) => e.action === "customer.edited"),
    ).toHaveLength(2);
  });

  it("refuses bad edits naming the field, and roles below manager", async () => {
    const ivan = await customerWithCard();
    const bad = async (body: unknown, field: string) => {
      const answer = await call("PATCH", `/api/customers/${ivan.id}`, body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      const fields =
        answer.body.error.details?.issues?.map((i: { field: string }) => i.field) ?? [];
      expect(fields).toEqual([field]);
    };
    await bad({ email: "not-an-email" }, "email");
    await bad({ birthday: "2026-13-40" }, "birthday");
    await bad({ gender: "ROBOT" }, "gender");
    await bad({ attributes: { pet_count: 99 } }, "attributes.pet_count");
    await bad({ attributes: { pet_count: "many" } }, "attributes.pet_count");
    await bad({ attributes: { unknown_key: 1 } }, "attributes.unknown_key");
    await bad({ attributes: { birthday: "1990-01-01" } }, "attributes.birthday");
    expect(
      issueFields(await call("PATCH", `/api/customers/${ivan.id}`, { name: "Ива", colour: "red" })),
    ).toEqual(["colour"]);
    const empty = await call("PATCH", `/api/customers/${ivan.id}`, {});
    expect(empty.status).toBe(400);
    const sqlish = await call("PATCH", `/api/customers/${ivan.id}`, {
      name: 'Robert\'); DROP TABLE "Customer";--',
    });
    expect(sqlish.status).toBe(200);
    expect(
      issueFields(await call("PATCH", `/api/customers/${ivan.id}`, { name: "x".repeat(100_000) })),
    ).toEqual(["name"]);
    const missing = await call("PATCH", "/api/customers/00000000-0000-4000-8000-000000000000", {
      name: "Никто",
    });
    expect(missing.status).toBe(404);

    expect(
      (await call("PATCH", `/api/customers/${ivan.id}`, { name: "Иван" }, await token("VIEWER")))
        .status,
    ).toBe(403);
    expect(
      (await call("PATCH", `/api/customers/${ivan.id}`, { name: "Иван" }, await token("MANAGER")))
        .status,
    ).toBe(200);
  });

  it("anonymises a customer for the owner only, audited", async () => {
    const olga = await customerWithCard();
    const manager = await call(
      "POST",
      `/api/customers/${olga.id}/anonymise`,
      undefined,
      await token("MANAGER"),
    );
    expect(manager.status).toBe(403);
    const erased = await call("POST", `/api/customers/${olga.id}/anonymise`);
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({ anonymised: true });
    const after = await call("GET", `/api/customers/${olga.id}`);
    expect(after.body.customer).toMatchObject({ status: "DELETED", name: null, phone: null });
    const audit = await call("GET", `/api/audit?customerId=${olga.id}`);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toContain(
      "customer.anonymised",
    );
    expect(
      (await call("POST", "/api/customers/00000000-0000-4000-8000-000000000000/anonymise")).status,
    ).toBe(404);
  });
});
