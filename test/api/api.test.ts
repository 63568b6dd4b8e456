import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateToken, hashToken } from "../../core/access/authenticate.ts";
import type { Database } from "../../core/db/database.ts";
import { ADMIN_TOKEN, auth, testApi } from "../support/api.ts";
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

describe(`admin API on ${testDbKind}`, () => {
  it("reports health without authentication", async () => {
    const response = await api.request("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", database: "ok" });
  });

  it("answers 503 when the database is down", async () => {
    const broken = testApi(db, {
      ping: () => Promise.reject(new Error("connection refused")),
      updates: () => "polling",
    });
    const response = await broken.request("/healthz");
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: "error",
      database: "unavailable",
      updates: "polling",
    });
  });

  it("answers 503 until the bot takes updates, and after it stopped", async () => {
    for (const updates of ["starting", "stopped"] as const) {
      const notYet = testApi(db, { updates: () => updates });
      const response = await notYet.request("/healthz");
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: updates, updates });
    }
  });

  it("refuses requests without a valid bearer token", async () => {
    for (const init of [{}, auth("wrong-token"), { headers: { authorization: "Basic abc" } }]) {
      const response = await api.request("/api/me", init);
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("unauthorized");
    }
  });

  it("accepts the bootstrap admin token as the owner", async () => {
    const response = await api.request("/api/me", auth());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      principal: { role: "OWNER", tokenId: "admin-token", staffId: null },
    });
  });

  it("accepts API tokens stored only as hashes, until revoked or expired", async () => {
    const token = generateToken();
    const staff = await db.prisma.staffMember.create({ data: { name: "Кассир", role: "CASHIER" } });
    const row = await db.prisma.apiToken.create({
      data: { name: "till 1", tokenHash: hashToken(token), role: "CASHIER", staffId: staff.id },
    });
    expect(JSON.stringify(row)).not.toContain(token);
    const ok = await api.request("/api/me", auth(token));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      principal: { role: "CASHIER", tokenId: row.id, staffId: staff.id },
    });
    expect(
      (await db.prisma.apiToken.findUniqueOrThrow({ where: { id: row.id } })).lastUsedAt,
    ).not.toBeNull();

    await db.prisma.apiToken.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    expect((await api.request("/api/me", auth(token))).status).toBe(401);

    const expiring = generateToken();
    await db.prisma.apiToken.create({
      data: {
        name: "old",
        tokenHash: hashToken(expiring),
        role: "OWNER",
        expiresAt: new Date(Date.now() - 1000),
      },
    });
    expect((await api.request("/api/me", auth(expiring))).status).toBe(401);
  });

  it("lists customers newest first with search and cursor pagination", async () => {
    for (let i = 0; i < 5; i++) {
      await db.prisma.customer.create({
        data: {
          referralCode: `APILIST${i}`,
          name: `Клиент ${i}`,
          phone: `+7999111000${i}`,
          source: i % 2 ? "instagram" : "vk",
          telegramId: BigInt(800_000 + i),
          createdAt: new Date(Date.UTC(2026, 0, 1 + i)),
        },
      });
    }
    const first = await api.request("/api/customers?limit=2", auth());
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as {
      customers: Array<{ name: string; telegramId: string }>;
      nextCursor: string;
    };
    expect(page1.customers.map((c) => c.name)).toEqual(["Клиент 4", "Клиент 3"]);
    expect(page1.customers[0]?.telegramId).toBe("800004");
    const second = await api.request(`/api/customers?limit=2&cursor=${page1.nextCursor}`, auth());
    const page2 = (await second.json()) as { customers: Array<{ name: string }> };
    expect(page2.customers.map((c) => c.name)).toEqual(["Клиент 2", "Клиент 1"]);

    const byPhone = await api.request("/api/customers?q=1110003", auth());
    expect(
      ((await byPhone.json()) as { customers: Array<{ name: string }> }).customers.map(
        (c) => c.name,
      ),
    ).toEqual(["Клиент 3"]);
    const bySource = await api.request("/api/customers?source=instagram&limit=50", auth());
    const sources = ((await bySource.json()) as { customers: Array<{ source: string }> }).customers;
    expect(sources.length).toBe(2);
  });

  it("shows one customer's profile, ledger and timeline", async () => {
    const customer = await db.prisma.customer.create({
      data: { referralCode: "APIONE1", name: "Один", events: { create: { type: "bot.started" } } },
    });
    const response = await api.request(`/api/customers/${customer.id}`, auth());
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      customer: { name: string };
      timeline: Array<{ type: string }>;
    };
    expect(body.customer.name).toBe("Один");
    expect(body.timeline.map((e) => e.type)).toEqual(["bot.started"]);
  });

  it("answers bad requests with 4xx and a precise error", async () => {
    const badLimit = await api.request("/api/customers?limit=abc&status=NOPE", auth());
    expect(badLimit.status).toBe(400);
    const body = (await badLimit.json()) as {
      error: { details: { issues: Array<{ field: string }> } };
    };
    expect(body.error.details.issues.map((i) => i.field).sort()).toEqual(["limit", "status"]);

    const badId = await api.request("/api/customers/not-a-uuid", auth());
    expect(badId.status).toBe(400);
    expect(JSON.stringify(await badId.json())).toContain("must be a customer id (UUID)");

    const missing = await api.request(
      "/api/customers/00000000-0000-4000-8000-000000000000",
      auth(),
    );
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });

    const unknown = await api.request("/api/nothing-here", auth());
    expect(unknown.status).toBe(404);
  });
});

describe(`API tokens on ${testDbKind}`, () => {
  const post = (body: unknown, token = ADMIN_TOKEN) =>
    api.request("/api/tokens", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("lets the owner issue a token shown once, used by staff, listed without secrets, and revoked", async () => {
    const created = await post({ name: "Касса 2", role: "CASHIER", expiresInDays: 30 });
    expect(created.status).toBe(201);
    const { token, apiToken } = (await created.json()) as {
      token: string;
      apiToken: { id: string };
    };
    expect(token).toMatch(/^lt_/);

    const me = await api.request("/api/me", auth(token));
    expect(((await me.json()) as { principal: { role: string } }).principal.role).toBe("CASHIER");
    // A cashier cannot manage tokens.
    expect((await api.request("/api/tokens", auth(token))).status).toBe(403);

    const list = await (await api.request("/api/tokens", auth())).text();
    expect(list).toContain("Касса 2");
    expect(list).not.toContain(token);
    expect(list).not.toContain("tokenHash");

    const revoked = await api.request(`/api/tokens/${apiToken.id}`, {
      method: "DELETE",
      ...auth(),
    });
    expect(revoked.status).toBe(200);
    expect((await api.request("/api/me", auth(token))).status).toBe(401);
  });

  it("rejects bad token requests precisely", async () => {
    const invalid = await post({ name: "", role: "KING", expiresInDays: 0 });
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as {
      error: { details: { issues: Array<{ field: string }> } };
    };
    expect(body.error.details.issues.map((i) => i.field).sort()).toEqual([
      "expiresInDays",
      "name",
      "role",
    ]);

    const malformed = await post("{not json");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: "bad_request" } });

    const unknownStaff = await post({
      name: "x",
      role: "CASHIER",
      staffId: "00000000-0000-4000-8000-000000000000",
    });
    expect(unknownStaff.status).toBe(404);

    const missing = await api.request("/api/tokens/00000000-0000-4000-8000-000000000000", {
      method: "DELETE",
      ...auth(),
    });
    expect(missing.status).toBe(404);
  });
});

describe(`admin API failures on ${testDbKind}`, () => {
  it("answers 500 without a stack trace when the database fails mid-request", async () => {
    const own = await openTestDatabase();
    const app = testApi(own);
    await own.close();
    const response = await app.request("/api/customers", auth());
    // The admin token needs no database; the listing does.
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: "internal", message: "Internal server error" },
    });
    expect(text).not.toMatch(/at .*\.ts/);
  });
});
