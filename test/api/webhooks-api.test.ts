import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { luhnCheckDigit } from "../../core/loyalty/card-number.ts";
import { expirePoints } from "../../core/loyalty/expire-points.ts";
import { postLedgerEntry } from "../../core/loyalty/ledger.ts";
import { seedSettings } from "../../core/loyalty/settings.ts";
import { apiCaller, issueFields } from "../support/api.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { testDbKind } from "../support/database.ts";
import { startWebhookReceiver } from "../support/webhook-receiver.ts";

const OWNER_TOKEN = "test-admin-token-0123456789abcdef";

let h: BotHarness;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
// The first delivery to /flaky fails with 500; /gone always refuses with 410.
beforeAll(async () => {
  receiver = await startWebhookReceiver((path, nth) =>
    path === "/flaky" && nth === 1 ? 500 : path === "/gone" ? 410 : 200,
  );
  h = await startBotHarness({ webhooks: { pollMs: 25, retryBaseMs: 50 } });
});
afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

const call = apiCaller(() => h.app.httpUrl, OWNER_TOKEN);

let counter = 0;
async function customerWithCard() {
  const n = ++counter;
  const customer = await h.db.prisma.customer.create({
    data: { referralCode: `HOOK${n}`, status: "ACTIVE", name: `Гость ${n}` },
  });
  const body = `6${String(n).padStart(10, "0")}`;
  const card = await h.db.prisma.loyaltyCard.create({
    data: { number: body + luhnCheckDigit(body), customerId: customer.id },
  });
  return { id: customer.id, card: card.number };
}

async function purchase(cardNumber: string, key: string, status = 201) {
  const answer = await call("POST", "/api/purchases", {
    cardNumber,
    amountMinor: "100000",
    pointsToSpend: 0,
    idempotencyKey: `webhook-test:${key}`,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  return answer.body;
}

describe(`outgoing webhooks on ${testDbKind}`, () => {
  it("refuses bad endpoints naming the field, and roles other than the owner", async () => {
    const ftp = await call("POST", "/api/webhooks", {
      url: "ftp://example.com/x",
      events: ["purchase.recorded"],
    });
    expect(ftp.status).toBe(400);
    expect(issueFields(ftp)).toEqual(["url"]);
    const unknown = await call("POST", "/api/webhooks", {
      url: "https://example.com/x",
      events: ["purchase.deleted"],
      colour: "red",
    });
    expect(unknown.status).toBe(400);
    expect(issueFields(unknown)).toEqual(["colour", "events.0"]);
    const none = await call("POST", "/api/webhooks", { url: "https://example.com", events: [] });
    expect(issueFields(none)).toEqual(["events"]);

    const manager = await call("POST", "/api/tokens", { name: "Менеджер", role: "MANAGER" });
    expect(manager.status).toBe(201);
    const refused = await call("GET", "/api/webhooks", undefined, manager.body.token);
    expect(refused.status).toBe(403);
    const missing = await call("GET", "/api/webhooks/00000000-0000-4000-8000-000000000000");
    expect(missing.status).toBe(404);
  });

  it("signs a purchase's delivery, retries a 500 and logs it delivered", async () => {
    const created = await call("POST", "/api/webhooks", {
      url: receiver.url("/flaky"),
      events: ["purchase.recorded"],
    });
    expect(created.status).toBe(201);
    const { id, secret } = created.body.endpoint;
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    receiver.expectSecret("/flaky", secret);
    // Shown once: never in a read or a list.
    const read = await call("GET", `/api/webhooks/${id}`);
    expect(read.body.endpoint).toMatchObject({ url: receiver.url("/flaky"), active: true });
    expect(read.body.endpoint.secret).toBeUndefined();
    const list = await call("GET", "/api/webhooks");
    expect(JSON.stringify(list.body)).not.toContain(secret);

    const vera = await customerWithCard();
    const recorded = await purchase(vera.card, "hook-1");

    await vi.waitFor(
      () => expect(receiver.received.filter((r) => r.path === "/flaky")).toHaveLength(2),
      { timeout: 10_000 },
    );
    const [first, second] = receiver.received.filter((r) => r.path === "/flaky");
    expect(first?.answered).toBe(500);
    expect(second?.answered).toBe(200);
    for (const request of [first, second]) {
      expect(request?.signed).toBe(true);
      expect(request?.headers["x-webhook-event"]).toBe("purchase.recorded");
    }
    // The retry is the same delivery, byte for byte.
    expect(second?.body).toBe(first?.body);
    const body = JSON.parse(second?.body ?? "{}");
    expect(body).toMatchObject({
      id: second?.headers["x-webhook-delivery"],
      event: "purchase.recorded",
      data: {
        purchaseId: recorded.purchase.id,
        customerId: vera.id,
        amountMinor: "100000",
        pointsEarned: 50,
      },
    });
    expect(new Date(body.createdAt).getTime()).toBeGreaterThan(0);

    await vi.waitFor(async () => {
      const log = await call("GET", `/api/webhooks/${id}/deliveries`);
      expect(log.body.deliveries).toHaveLength(1);
      expect(log.body.deliveries[0]).toMatchObject({
        id: body.id,
        event: "purchase.recorded",
        status: "DELIVERED",
        attempts: 2,
        responseStatus: 200,
      });
    });
    // The same purchase again (a retried request) is not a second delivery.
    await purchase(vera.card, "hook-1", 200);
    const failed = await call("GET", `/api/webhooks/${id}/deliveries?status=FAILED`);
    expect(failed.body.deliveries).toEqual([]);
    const all = await call("GET", `/api/webhooks/${id}/deliveries`);
    expect(all.body.deliveries).toHaveLength(1);
    expect((await call("GET", `/api/webhooks/${id}/deliveries?status=LOST`)).status).toBe(400);

    expect((await call("PUT", `/api/webhooks/${id}`, { active: false })).status).toBe(200);
  });

  it("stops at a 4xx answer: one attempt, FAILED", async () => {
    const created = await call("POST", "/api/webhooks", {
      url: receiver.url("/gone"),
      events: ["points.changed", "purchase.recorded"],
      secret: "my-own-secret-0123456789",
    });
    expect(created.body.endpoint.secret).toBe("my-own-secret-0123456789");
    receiver.expectSecret("/gone", "my-own-secret-0123456789");
    const { id } = created.body.endpoint;
    const ada = await customerWithCard();
    await purchase(ada.card, "hook-2");

    await vi.waitFor(async () => {
      const log = await call("GET", `/api/webhooks/${id}/deliveries?status=FAILED`);
      // The purchase and the points it earned, each given up on after one refusal.
      expect(log.body.deliveries.map((d: { event: string }) => d.event).sort()).toEqual([
        "points.changed",
        "purchase.recorded",
      ]);
      for (const delivery of log.body.deliveries) {
        expect(delivery).toMatchObject({ attempts: 1, responseStatus: 410, lastError: "HTTP 410" });
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const gone = receiver.received.filter((r) => r.path === "/gone");
    expect(gone).toHaveLength(2);
    expect(gone.every((r) => r.signed)).toBe(true);
    expect((await call("DELETE", `/api/webhooks/${id}`)).body).toEqual({ deleted: true });
    expect((await call("GET", `/api/webhooks/${id}/deliveries`)).status).toBe(404);
  });

  it("sends points.changed for points the nightly expiry took, as for any ledger entry", async () => {
    const created = await call("POST", "/api/webhooks", {
      url: receiver.url("/expiry"),
      events: ["points.changed"],
    });
    expect(created.status).toBe(201);
    const { id } = created.body.endpoint;
    const olga = await customerWithCard();
    const earned = new Date("2026-01-10T09:00:00Z");
    await postLedgerEntry(h.db.sql, {
      card: { activeCardOfCustomer: olga.id },
      kind: "ADJUSTMENT",
      delta: 70,
      idempotencyKey: `expiry-hook:${olga.id}`,
      note: "old points",
      now: earned,
    });
    const settings = seedSettings({ welcomeBonus: 0, referralBonus: 0 });
    const result = await expirePoints(h.db.sql, {
      settings: { ...settings, expiry: { kind: "after_days", days: 30 } },
      timeZone: "Europe/Moscow",
      now: new Date("2026-03-01T09:00:00Z"),
    });
    expect(result.points).toBeGreaterThanOrEqual(70);

    await vi.waitFor(() => {
      const bodies = receiver.received
        .filter((r) => r.path === "/expiry")
        .map((r) => JSON.parse(r.body));
      const mine = bodies.find((b) => b.data.customerId === olga.id && b.data.kind === "EXPIRE");
      expect(mine?.data).toMatchObject({ delta: -70, balance: 0 });
      expect(mine?.data.note).toMatch(/^Earned before 2026-/);
      expect(mine?.data.entryId).toMatch(/^\d+$/);
      expect(new Date(mine?.data.at).toISOString()).toBe(mine?.data.at);
    });
    expect((await call("DELETE", `/api/webhooks/${id}`)).status).toBe(200);
  });

  it("sends customer.created for each customer an import creates, once", async () => {
    const created = await call("POST", "/api/webhooks", {
      url: receiver.url("/imports"),
      events: ["customer.created"],
    });
    expect(created.status).toBe(201);
    const csv = "Имя;Телефон;Баланс\nВера;+79160000101;120\nПётр;+79160000102;\n";
    const importOnce = async () => {
      const form = new FormData();
      form.append("file", new Blob([new TextEncoder().encode(csv)]), "clients.csv");
      const response = await fetch(`${h.app.httpUrl}/api/imports`, {
        method: "POST",
        headers: { authorization: `Bearer ${OWNER_TOKEN}` },
        body: form,
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { id: string; created: number };
    };
    const first = await importOnce();
    expect(first.created).toBe(2);
    // The same file again creates nobody, so it announces nobody.
    expect((await importOnce()).created).toBe(0);

    await vi.waitFor(() => {
      const bodies = receiver.received
        .filter((r) => r.path === "/imports")
        .map((r) => JSON.parse(r.body));
      expect(bodies.map((b) => b.data.phone).sort()).toEqual(["+79160000101", "+79160000102"]);
      expect(bodies.find((b) => b.data.phone === "+79160000101")?.data).toMatchObject({
        name: "Вера",
        source: "import",
        balance: 120,
        importId: first.id,
      });
      expect(bodies.every((b) => b.event === "customer.created")).toBe(true);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received.filter((r) => r.path === "/imports")).toHaveLength(2);
    expect((await call("DELETE", `/api/webhooks/${created.body.endpoint.id}`)).status).toBe(200);
  });

  it("costs a purchase no statement while no endpoint listens", async () => {
    const { endpoints } = (await call("GET", "/api/webhooks")).body;
    // Only the paused endpoint of the first test is left.
    expect(endpoints.map((e: { active: boolean }) => e.active)).toEqual([false]);
    const ivan = await customerWithCard();
    const before = h.statements.length;
    await purchase(ivan.card, "hook-3");
    const statements = h.statements.slice(before);
    expect(statements.some((s) => s.includes('"PointsEntry"'))).toBe(true);
    expect(statements.filter((s) => s.includes('"WebhookDelivery"'))).toEqual([]);
  });
});
