import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCardNumber, luhnCheckDigit } from "../../core/loyalty/card-number.ts";
import { apiCaller, issueFields, type JsonAnswer } from "../support/api.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { testDbKind } from "../support/database.ts";

const OWNER_TOKEN = "test-admin-token-0123456789abcdef";
const TAG = "segments-api";
const SQL_LOOKING = `'; DROP TABLE "Customer"; --`;

let h: BotHarness;
let manager: string;
let viewer: string;
let cashier: string;
const call = apiCaller(() => h.app.httpUrl, OWNER_TOKEN);
/** Customers of this file, with the card numbers given to some. */
const people: Array<{ id: string; card: string | null }> = [];

beforeAll(async () => {
  h = await startBotHarness();
  const token = async (role: string) =>
    (await call("POST", "/api/tokens", { name: role, role })).body.token as string;
  manager = await token("MANAGER");
  viewer = await token("VIEWER");
  cashier = await token("CASHIER");
  const base = Date.parse("2026-01-01T00:00:00Z");
  for (let i = 0; i < 25; i++) {
    const customer = await h.db.prisma.customer.create({
      data: {
        referralCode: `SEGAPI${i}`,
        status: "ACTIVE",
        tags: [TAG, ...(i % 3 === 0 ? ["vip"] : [])],
        // Ties and gaps on purpose: pages must still neither repeat nor skip anyone.
        name: i % 5 === 4 ? null : `Клиент ${String.fromCharCode(1040 + (i % 7))}`,
        phone: `+7999555${String(i).padStart(4, "0")}`,
        telegramUsername: `seg_user_${i}`,
        totalSpentMinor: BigInt((i % 4) * 10_000),
        purchaseCount: i % 4,
        lastPurchaseAt: i % 4 === 0 ? null : new Date(base + (i % 6) * 86_400_000),
        createdAt: new Date(base + Math.floor(i / 2) * 3_600_000),
      },
    });
    let card: string | null = null;
    if (i < 3) {
      const body = `7${String(i).padStart(10, "0")}`;
      card = body + luhnCheckDigit(body);
      await h.db.prisma.loyaltyCard.create({ data: { number: card, customerId: customer.id } });
    }
    people.push({ id: customer.id, card });
  }
});
afterAll(async () => {
  await h?.close();
});

const tagged = { field: "tags", op: "contains", value: TAG };
const vip = { all: [tagged, { field: "tags", op: "contains", value: "vip" }] };

function expectIssue(answer: JsonAnswer, field: string, message?: string) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(issueFields(answer)).toContain(field);
  if (message) expect(answer.body.error.message).toBe(message);
  expect(JSON.stringify(answer.body)).not.toMatch(/at .*\.ts:\d+/);
}

const list = (query: string, token?: string) =>
  call("GET", `/api/customers?${query}`, undefined, token);
const idsOf = (answer: JsonAnswer): string[] =>
  answer.body.customers.map((customer: { id: string }) => customer.id);

describe(`segments API on ${testDbKind}`, () => {
  it("previews a rule: the count and the first 20, nothing saved", async () => {
    const answer = await call("POST", "/api/segments/preview", { rule: tagged }, viewer);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.count).toBe(25);
    expect(answer.body.customers).toHaveLength(20);
    const vips = await call("POST", "/api/segments/preview", { rule: vip });
    expect(vips.body.count).toBe(9);
    expect(await h.db.prisma.segment.count()).toBe(0);
  });

  it("answers bad rules with a 400 naming the path, never a 500", async () => {
    let deep: unknown = tagged;
    for (let i = 0; i < 50; i++) deep = { any: [deep] };
    expectIssue(
      await call("POST", "/api/segments/preview", { rule: deep }),
      "rule",
      "rule too deep: 50 levels, at most 5",
    );
    const wide = { any: Array.from({ length: 10_000 }, () => tagged) };
    expectIssue(
      await call("POST", "/api/segments/preview", { rule: wide }),
      "rule",
      "rule too large: 10000 conditions, at most 100",
    );
    expectIssue(
      await call("POST", "/api/segments/preview", {
        rule: { all: [tagged, { field: "shoe", op: "eq", value: 1 }] },
      }),
      "rule.all.1.field",
    );
    expectIssue(
      await call("POST", "/api/segments/preview", {
        rule: { field: "totalSpent", op: "startsWith", value: "1" },
      }),
      "rule.op",
    );
    expectIssue(await call("POST", "/api/segments/preview", {}), "rule");
    expectIssue(await call("POST", "/api/segments/preview", { rule: tagged, extra: 1 }), "extra");
    const malformed = await call("POST", "/api/segments/preview", '{"rule": {');
    expect(malformed.status).toBe(400);
    // SQL-looking and 100 KB strings are values: compared, found nowhere.
    for (const value of [SQL_LOOKING, "x".repeat(100_000)]) {
      const answer = await call("POST", "/api/segments/preview", {
        rule: { field: "city", op: "eq", value },
      });
      if (value.length > 500) expectIssue(answer, "rule.value");
      else expect(answer.body.count).toBe(0);
    }
    expect(await h.db.prisma.customer.count()).toBeGreaterThanOrEqual(25);
  });

  it("saves, lists, changes and deletes segments with a cached count, by role", async () => {
    const created = await call(
      "POST",
      "/api/segments",
      { name: "VIP", description: "Лучшие", rule: vip },
      manager,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.segment).toMatchObject({ name: "VIP", description: "Лучшие", count: 9 });
    expect(created.body.segment.countedAt).not.toBeNull();
    const id = created.body.segment.id as string;

    expect((await call("POST", "/api/segments", { name: "VIP", rule: vip })).status).toBe(409);
    expect((await call("POST", "/api/segments", { name: "x", rule: vip }, viewer)).status).toBe(
      403,
    );
    expect((await call("GET", "/api/segments", undefined, cashier)).status).toBe(403);
    expectIssue(
      await call("POST", "/api/segments", { name: "y".repeat(100_000), rule: vip }),
      "name",
    );
    expectIssue(await call("POST", "/api/segments", { name: "z", rule: { any: [] } }), "rule.any");

    const listed = await call("GET", "/api/segments", undefined, viewer);
    expect(listed.status).toBe(200);
    expect(listed.body.segments.map((s: { name: string }) => s.name)).toContain("VIP");
    const one = await call("GET", `/api/segments/${id}`, undefined, viewer);
    expect(one.body.segment.rule).toEqual(vip);
    expectIssue(await call("GET", "/api/segments/not-a-uuid"), "id");

    // A new VIP shows in the count after the scheduled refresh.
    const extra = await h.db.prisma.customer.create({
      data: { referralCode: "SEGAPI-EXTRA", status: "ACTIVE", tags: ["vip", "late"] },
    });
    const changed = await call(
      "PUT",
      `/api/segments/${id}`,
      { name: "VIP всех", rule: { field: "tags", op: "contains", value: "vip" } },
      manager,
    );
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.segment).toMatchObject({ name: "VIP всех", description: null, count: 10 });
    await h.db.prisma.customer.update({ where: { id: extra.id }, data: { tags: ["late"] } });
    // The app's scheduler runs the recount hourly; here, at once.
    await h.app.scheduler.runNow("refresh-segment-counts");
    expect((await call("GET", `/api/segments/${id}`)).body.segment.count).toBe(9);

    expect((await call("DELETE", `/api/segments/${id}`, undefined, viewer)).status).toBe(403);
    expect((await call("DELETE", `/api/segments/${id}`, undefined, manager)).status).toBe(200);
    expect((await call("GET", `/api/segments/${id}`)).status).toBe(404);
    expect((await call("PUT", `/api/segments/${id}`, { name: "x", rule: vip })).status).toBe(404);
    await h.db.prisma.customer.delete({ where: { id: extra.id } });

    const audit = await h.db.prisma.auditEntry.findMany({ where: { action: "segment.changed" } });
    expect(audit.map((entry) => (entry.data as { change: string }).change).sort()).toEqual([
      "created",
      "deleted",
      "updated",
    ]);
  });

  it("documents its routes in /openapi.json", async () => {
    const response = await fetch(`${h.app.httpUrl}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    const paths = Object.keys(document.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/api/segments/preview",
        "/api/segments",
        "/api/segments/{id}",
        "/api/segments/fields",
        "/api/customers/search",
      ]),
    );
  });

  it("lists the fields rules can use", async () => {
    const answer = await call("GET", "/api/segments/fields", undefined, viewer);
    expect(answer.status).toBe(200);
    const fields = answer.body.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(["city", "tags", "totalSpent", "clientType"]));
  });
});

describe(`customer search on ${testDbKind}`, () => {
  it("finds a customer by phone in any format, card number and @username", async () => {
    const target = people[2] as { id: string; card: string };
    for (const q of [
      "+79995550002",
      "+7 999 555-00-02",
      "8 (999) 555 00 02",
      "79995550002",
      "9995550002",
      formatCardNumber(target.card),
      target.card,
      "@seg_user_2",
    ]) {
      const answer = await list(`q=${encodeURIComponent(q)}`, viewer);
      expect(answer.status, q).toBe(200);
      expect(idsOf(answer), q).toContain(target.id);
      if (q !== "9995550002") expect(idsOf(answer), q).toHaveLength(1);
    }
    const sqlish = await list(`q=${encodeURIComponent(SQL_LOOKING)}`);
    expect(sqlish.status).toBe(200);
    expect(sqlish.body.customers).toEqual([]);
    expectIssue(await list(`q=${"x".repeat(5_000)}`), "q");
    // 100 KB does not fit in a request line: the HTTP server refuses it before the API sees it.
    const huge = await fetch(`${h.app.httpUrl}/api/customers?q=${"x".repeat(100_000)}`);
    expect(huge.status).toBe(431);
    expect((await list("", cashier)).status).toBe(403);
  });

  it("filters by a saved segment, a rule in the query or one in a body", async () => {
    const saved = await call("POST", "/api/segments", { name: "VIP-list", rule: vip });
    const bySegment = await list(`segment=${saved.body.segment.id}&limit=200`);
    expect(bySegment.body.customers).toHaveLength(9);
    const byRule = await list(`rule=${encodeURIComponent(JSON.stringify(vip))}&limit=200`);
    expect(idsOf(byRule).sort()).toEqual(idsOf(bySegment).sort());
    const byBody = await call("POST", "/api/customers/search", { rule: vip, limit: 200 }, viewer);
    expect(byBody.status, JSON.stringify(byBody.body)).toBe(200);
    expect(idsOf(byBody).sort()).toEqual(idsOf(bySegment).sort());
    const both = await call("POST", "/api/customers/search", {
      segment: saved.body.segment.id,
      q: "@seg_user_3",
    });
    expect(idsOf(both)).toEqual([people[3]?.id]);

    expectIssue(await list("rule=%7Bnot%20json"), "rule");
    expectIssue(
      await list(`rule=${encodeURIComponent(JSON.stringify({ field: "nope", op: "eq" }))}`),
      "rule.field",
    );
    expectIssue(await list("segment=6d9f0c1e-0000-4000-8000-000000000000"), "segment");
    expectIssue(await call("POST", "/api/customers/search", { rule: "x" }), "rule");
  });

  it("refuses page sizes of 0 and 1,000,000 and a forged cursor, naming the parameter", async () => {
    expectIssue(await list("limit=0"), "limit");
    expectIssue(await list("limit=1000000"), "limit");
    expectIssue(await list("cursor=not-a-cursor"), "cursor");
    expectIssue(await list("sort=phone"), "sort");
  });

  it("walks every page of every sort without duplicates or gaps", async () => {
    const rule = encodeURIComponent(JSON.stringify(tagged));
    const columns = {
      createdAt: `"createdAt"`,
      lastPurchaseAt: `"lastPurchaseAt"`,
      totalSpent: `"totalSpentMinor"`,
      name: `"name"`,
    };
    for (const [sort, column] of Object.entries(columns)) {
      for (const order of ["asc", "desc"]) {
        const expected = (
          await h.db.sql.query<{ id: string }>(
            `SELECT "id" FROM "Customer" WHERE $1 = ANY("tags")
             ORDER BY (${column} IS NULL), ${column} ${order}, "id" ${order}`,
            [TAG],
          )
        ).map((row) => row.id);
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const answer = await list(
            cursor
              ? `rule=${rule}&limit=7&cursor=${encodeURIComponent(cursor)}`
              : `rule=${rule}&limit=7&sort=${sort}&order=${order}`,
          );
          expect(answer.status, JSON.stringify(answer.body)).toBe(200);
          seen.push(...idsOf(answer));
          cursor = answer.body.nextCursor;
          pages++;
        } while (cursor && pages < 10);
        expect(pages, `${sort} ${order}`).toBe(4);
        expect(seen, `${sort} ${order}`).toEqual(expected);
      }
    }
    // A cursor keeps its sort: asking for another one with it is a mistake, said so.
    const first = await list(`rule=${rule}&limit=5&sort=name`);
    expectIssue(
      await list(`limit=5&sort=totalSpent&cursor=${encodeURIComponent(first.body.nextCursor)}`),
      "cursor",
    );
  });

  it("keeps the list's old parameters and fields", async () => {
    const answer = await list("status=ACTIVE&source=nowhere&limit=5");
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ customers: [], nextCursor: null });
    const page = await list(`limit=2&q=${encodeURIComponent("Клиент")}`);
    expect(page.body.customers[0]).toHaveProperty("stats.totalSpentMinor");
    // An id, the cursor earlier versions gave out, still continues newest first.
    const legacy = await list(`limit=2&cursor=${page.body.customers[1].id}`);
    expect(legacy.status, JSON.stringify(legacy.body)).toBe(200);
  });
});
