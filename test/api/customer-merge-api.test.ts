import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBotStart } from "../../core/customers/register-bot-start.ts";
import type { Database } from "../../core/db/database.ts";
import { completeOnboarding } from "../../core/onboarding/complete-onboarding.ts";
import { giveDataConsent } from "../../core/onboarding/consent.ts";
import { registerWalkIn } from "../../core/staff/register-walk-in.ts";
import { auth, jsonRequest, testApi } from "../support/api.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";
import { cliOwner } from "../support/staff.ts";

let db: Database;
let api: ReturnType<typeof testApi>;
beforeAll(async () => {
  db = await openTestDatabase();
  api = testApi(db);
});
afterAll(async () => {
  await db?.close();
});

let nextTelegramId = 9600;
let nextPhone = 1000;

async function botCustomer() {
  const telegramId = nextTelegramId++;
  const identity = { telegramId, firstName: "Аня" };
  const { customer } = await registerBotStart(db.sql, { identity });
  await giveDataConsent(db.sql, { customerId: customer.id, version: "v1", identity });
  await completeOnboarding(db.sql, {
    customerId: customer.id,
    welcomeBonus: 100,
    referralBonus: 0,
  });
  return { id: customer.id, telegramId };
}

async function walkIn() {
  const result = await registerWalkIn(db.sql, {
    actor: cliOwner,
    phone: `+7916333${String(nextPhone++).padStart(4, "0")}`,
    name: "Анна",
    phoneRegion: "RU",
    welcomeBonus: 100,
  });
  if (result.kind !== "registered") throw new Error("not registered");
  return { id: result.customer.id, cardNumber: result.card.number };
}

async function post(id: string, body: unknown, token?: string) {
  const response = await api.request(
    `/api/customers/${id}/merge`,
    jsonRequest("POST", body, token),
  );
  // biome-ignore lint/suspicious/noExplicitAny: the assertions check the shape
  return { status: response.status, body: (await response.json()) as any };
}

async function token(role: "MANAGER" | "CASHIER", staffId?: string) {
  const response = await api.request(
    "/api/tokens",
    jsonRequest("POST", { name: `${role} token`, role, ...(staffId ? { staffId } : {}) }),
  );
  return ((await response.json()) as { token: string }).token;
}

describe(`POST /api/customers/:id/merge on ${testDbKind}`, () => {
  it("merges once, answers a repeat without moving anything, and leaves the other customer routes alone", async () => {
    const kept = await botCustomer();
    const other = await walkIn();
    const manager = await token("MANAGER");
    const first = await post(kept.id, { mergeId: other.id }, manager);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      merged: true,
      pointsTransferred: 100,
      moved: { purchases: 0, events: 3 },
      customer: { id: kept.id, name: "Анна", card: { balance: 200, status: "ACTIVE" } },
    });
    const again = await post(kept.id, { mergeId: other.id }, manager);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ merged: false, pointsTransferred: 100, moved: null });
    expect(again.body.customer.card.balance).toBe(200);

    // The older routes under /api/customers still answer.
    const detail = await api.request(`/api/customers/${kept.id}`, auth());
    expect(detail.status).toBe(200);
    const profile = (await detail.json()) as {
      customer: { card: { balance: number } };
      ledger: Array<{ kind: string; delta: number; note: string | null }>;
    };
    expect(profile.customer.card.balance).toBe(200);
    expect(profile.ledger.find((e) => e.kind === "ADJUSTMENT")).toMatchObject({
      delta: 100,
      note: expect.stringContaining("Merged from card"),
    });
    const gone = await api.request(`/api/customers/${other.id}`, auth());
    expect((await gone.json()) as { customer: { status: string } }).toMatchObject({
      customer: { status: "DELETED" },
    });
  });

  it("answers bad requests precisely and refuses cashiers, own cards and two Telegram accounts", async () => {
    const a = await botCustomer();
    const b = await botCustomer();
    const c = await walkIn();

    // Each part is checked in turn and names the field that is wrong.
    for (const [id, body, field] of [
      ["not-a-uuid", { mergeId: c.id }, "id"],
      [a.id, { mergeId: "nope" }, "mergeId"],
      [a.id, {}, "mergeId"],
    ] as const) {
      const invalid = await post(id, body);
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual([
        field,
      ]);
    }
    const self = await post(a.id, { mergeId: a.id });
    expect(self.status).toBe(400);
    expect(self.body.error.details.reason).toBe("same_customer");
    const missing = await post("00000000-0000-4000-8000-000000000000", { mergeId: a.id });
    expect(missing.status).toBe(404);

    const twoAccounts = await post(a.id, { mergeId: b.id });
    expect(twoAccounts.status).toBe(409);
    expect(twoAccounts.body.error.details.reason).toBe("two_telegram_accounts");

    const cashier = await post(a.id, { mergeId: c.id }, await token("CASHIER"));
    expect(cashier.status).toBe(403);

    // A manager's token carries their own customer record: they do not merge their card.
    const staff = await db.prisma.staffMember.create({
      data: { name: "Аня", role: "MANAGER", telegramId: BigInt(a.telegramId) },
    });
    const own = await post(a.id, { mergeId: c.id }, await token("MANAGER", staff.id));
    expect(own.status).toBe(403);
    expect(own.body.error.details.reason).toBe("own_card");

    expect(
      await db.prisma.auditEntry.count({
        where: { action: "customers.merged", customerId: { in: [a.id, b.id, c.id] } },
      }),
    ).toBe(0);
    expect(
      await db.prisma.loyaltyCard.count({
        where: { status: "CLOSED", customerId: { in: [a.id, b.id, c.id] } },
      }),
    ).toBe(0);
  });
});
