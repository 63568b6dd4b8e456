import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../core/db/database.ts";
import { issueFields, jsonCaller, testApi } from "../support/api.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

let db: Database;
let api: ReturnType<typeof testApi>;
beforeAll(async () => {
  db = await openTestDatabase();
  api = testApi(db);
  await seed();
});
afterAll(async () => {
  await db?.close();
});

const call = (...args: Parameters<ReturnType<typeof jsonCaller>>) => jsonCaller(api)(...args);
// Midday in Moscow (the default zone), far from any period's edge.
const at = (day: string) => new Date(`${day}T09:00:00Z`);

let counter = 0;
async function customer(data: { source?: string; tier?: string; spent?: bigint }) {
  const n = ++counter;
  const c = await db.prisma.customer.create({
    data: {
      referralCode: `ANL${n}`,
      status: "ACTIVE",
      createdAt: at("2026-01-05"),
      ...(data.source ? { source: data.source } : {}),
      tier: data.tier ?? "base",
      totalSpentMinor: data.spent ?? 0n,
    },
  });
  const card = await db.prisma.loyaltyCard.create({
    data: { number: `5${String(n).padStart(11, "0")}`, customerId: c.id },
  });
  return { id: c.id, cardId: card.id };
}

async function purchase(
  who: { id: string; cardId: string },
  amountMinor: bigint,
  day: string,
  refundedMinor = 0n,
) {
  return db.prisma.purchase.create({
    data: {
      customerId: who.id,
      cardId: who.cardId,
      amountMinor,
      refundedMinor,
      idempotencyKey: `anl:${++counter}`,
      createdAt: at(day),
    },
  });
}

/**
 * Instagram brought two customers, one of whom bought twice (1000, then 3000 with 500
 * refunded); VK one who bought once for 10000; one came with no source and never bought.
 */
async function seed() {
  const insta = await customer({ source: "instagram", tier: "silver", spent: 3500n });
  await customer({ source: "instagram" });
  const vk = await customer({ source: "vk", tier: "gold", spent: 10_000n });
  await customer({});
  await purchase(insta, 1000n, "2026-01-10");
  await purchase(insta, 3000n, "2026-02-15", 500n);
  await purchase(vk, 10_000n, "2026-02-20");
  const feedback = (scale: string, score: number, day: string) =>
    db.prisma.feedback.create({
      data: { customerId: insta.id, scale, score, createdAt: at(day) },
    });
  await feedback("rating", 5, "2026-01-11");
  await feedback("rating", 4, "2026-01-12");
  for (const score of [10, 9, 7, 3]) await feedback("nps", score, "2026-02-16");
}

describe(`analytics API on ${testDbKind}`, () => {
  it("ranks acquisition sources by revenue per customer, net of refunds", async () => {
    const answer = await call("GET", "/api/analytics/sources");
    expect(answer.status).toBe(200);
    expect(answer.body.sources).toEqual([
      {
        source: "vk",
        customers: 1,
        buyers: 1,
        purchases: 1,
        revenueMinor: "10000",
        averageCheckMinor: "10000",
        revenuePerCustomerMinor: "10000",
        revenuePerBuyerMinor: "10000",
        conversion: 1,
      },
      {
        source: "instagram",
        customers: 2,
        buyers: 1,
        purchases: 2,
        revenueMinor: "3500",
        averageCheckMinor: "1750",
        revenuePerCustomerMinor: "1750",
        revenuePerBuyerMinor: "3500",
        conversion: 0.5,
      },
      expect.objectContaining({ source: null, customers: 1, buyers: 0, revenueMinor: "0" }),
    ]);
    // Only January's purchases.
    const january = await call("GET", "/api/analytics/sources?from=2026-01-01&to=2026-01-31");
    expect(january.body.sources[0]).toMatchObject({
      source: "instagram",
      purchases: 1,
      revenueMinor: "1000",
    });
  });

  it("counts customers and spend per tier", async () => {
    const answer = await call("GET", "/api/analytics/tiers");
    expect(answer.body.tiers).toEqual([
      { tier: "gold", customers: 1, purchases: 0, spentMinor: "10000", averageSpentMinor: "10000" },
      { tier: "silver", customers: 1, purchases: 0, spentMinor: "3500", averageSpentMinor: "3500" },
      { tier: "base", customers: 2, purchases: 0, spentMinor: "0", averageSpentMinor: "0" },
    ]);
  });

  it("splits buyers into new and returning per month", async () => {
    const answer = await call(
      "GET",
      "/api/analytics/customers-over-time?period=month&from=2026-01-01&to=2026-03-31",
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      period: "month",
      from: "2026-01-01",
      to: "2026-03-31",
      periods: [
        {
          period: "2026-01-01",
          newBuyers: 1,
          returningBuyers: 0,
          joined: 4,
          purchases: 1,
          revenueMinor: "1000",
        },
        {
          period: "2026-02-01",
          newBuyers: 1,
          returningBuyers: 1,
          joined: 0,
          purchases: 2,
          revenueMinor: "12500",
        },
      ],
    });
    const weekly = await call(
      "GET",
      "/api/analytics/customers-over-time?period=week&from=2026-02-01&to=2026-02-28",
    );
    // Sunday the 15th belongs to the week from Monday the 9th; Friday the 20th to the 16th's.
    expect(weekly.body.periods.map((p: { period: string }) => p.period)).toEqual([
      "2026-02-09",
      "2026-02-16",
    ]);
  });

  it("histograms purchases per customer and days between them", async () => {
    const answer = await call("GET", "/api/analytics/purchase-frequency");
    expect(answer.body).toMatchObject({ buyers: 2, medianDaysBetween: 36 });
    expect(answer.body.purchasesPerCustomer.slice(0, 3)).toEqual([
      { label: "1", customers: 1 },
      { label: "2", customers: 1 },
      { label: "3", customers: 0 },
    ]);
    expect(answer.body.daysBetweenPurchases.filter((b: { gaps: number }) => b.gaps > 0)).toEqual([
      { label: "31-60", gaps: 1 },
    ]);
  });

  it("averages ratings and computes NPS per period", async () => {
    const answer = await call(
      "GET",
      "/api/analytics/ratings?period=month&from=2026-01-01&to=2026-02-28",
    );
    expect(answer.body.periods).toEqual([
      {
        period: "2026-01-01",
        rating: { responses: 2, average: 4.5 },
        nps: { responses: 0, promoters: 0, passives: 0, detractors: 0, score: null, average: null },
      },
      {
        period: "2026-02-01",
        rating: { responses: 0, average: null },
        nps: { responses: 4, promoters: 2, passives: 1, detractors: 1, score: 25, average: 7.25 },
      },
    ]);
  });

  it("names the bad parameter, and is open to viewers but not cashiers", async () => {
    const year = await call("GET", "/api/analytics/ratings?period=year");
    expect(year.status).toBe(400);
    expect(issueFields(year)).toEqual(["period"]);
    const month13 = await call("GET", "/api/analytics/customers-over-time?from=2026-13-01");
    expect(issueFields(month13)).toEqual(["from"]);
    const backwards = await call("GET", "/api/analytics/sources?from=2026-03-01&to=2026-02-01");
    expect(issueFields(backwards)).toEqual(["from"]);

    const token = async (role: string) =>
      (await call("POST", "/api/tokens", { name: `${role} token`, role })).body.token as string;
    const viewer = await token("VIEWER");
    for (const path of [
      "sources",
      "tiers",
      "customers-over-time",
      "purchase-frequency",
      "ratings",
    ]) {
      expect((await call("GET", `/api/analytics/${path}`, undefined, viewer)).status).toBe(200);
    }
    expect(
      (await call("GET", "/api/analytics/tiers", undefined, await token("CASHIER"))).status,
    ).toBe(403);
  });
});
