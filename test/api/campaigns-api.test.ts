import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchScheduledCampaigns } from "../../core/campaigns/scheduled-launch.ts";
import type { Database } from "../../core/db/database.ts";
import { ADMIN_TOKEN, apiCaller, issueFields, type JsonAnswer, testApi } from "../support/api.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

/*
 * The campaigns API through a real HTTP server on a port, on a database with no dispatcher
 * running: rows keep the states this file gives them (the sends themselves are the
 * dispatcher's tests).
 */

let db: Database;
let server: ServerType;
let baseUrl = "";
const call = apiCaller(() => baseUrl);
let manager: string;
let viewer: string;
let cashier: string;
let managerStaffId: string;

const TAG = "cmp-api";
/** Customers by what sets them apart. */
const ids: Record<string, string> = {};

async function addCustomer(
  key: string,
  data: {
    status?: "ACTIVE" | "ONBOARDING";
    telegramId?: number | null;
    marketingConsent?: boolean;
    reachable?: boolean;
    name?: string | null;
    tags?: string[];
    timeZone?: string | null;
    language?: string | null;
  },
) {
  const customer = await db.prisma.customer.create({
    data: {
      referralCode: `CMP${Object.keys(ids).length}${Math.random().toString(36).slice(2, 6)}`,
      status: data.status ?? "ACTIVE",
      telegramId:
        data.telegramId === null
          ? null
          : BigInt(data.telegramId ?? 7_000_000 + Object.keys(ids).length),
      marketingConsent: data.marketingConsent ?? true,
      reachable: data.reachable ?? true,
      name: data.name === undefined ? `Клиент ${key}` : data.name,
      tags: data.tags ?? [TAG],
      timeZone: data.timeZone ?? null,
      language: data.language ?? null,
    },
  });
  ids[key] = customer.id;
  return customer;
}

beforeAll(async () => {
  db = await openTestDatabase();
  const api = testApi(db);
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: api.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const staff = await db.prisma.staffMember.create({
    data: { name: "Менеджер Оля", role: "MANAGER", telegramId: 5_550_001n },
  });
  managerStaffId = staff.id;
  const token = async (role: string, staffId?: string) =>
    (await call("POST", "/api/tokens", { name: role, role, ...(staffId ? { staffId } : {}) })).body
      .token as string;
  manager = await token("MANAGER", staff.id);
  viewer = await token("VIEWER");
  cashier = await token("CASHIER");
  for (let i = 0; i < 10; i++)
    await addCustomer(`ok${i}`, { tags: [TAG, i < 4 ? "vip" : "plain"] });
  await addCustomer("noConsent", { marketingConsent: false });
  await addCustomer("unreachable", { reachable: false });
  await addCustomer("noTelegram", { telegramId: null });
  await addCustomer("onboarding", { status: "ONBOARDING" });
  await addCustomer("english", { language: "en", name: null, tags: [TAG, "en"] });
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await db?.close();
});

const tagged = { field: "tags", op: "contains", value: TAG };
const future = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

function expectIssue(answer: JsonAnswer, field: string, message?: string) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(issueFields(answer)).toContain(field);
  if (message) expect(answer.body.error.message).toBe(message);
}

async function create(body: Record<string, unknown>, token?: string) {
  return call(
    "POST",
    "/api/campaigns",
    { name: "Осень", text: "Привет, {first_name|друг}!", segment: tagged, ...body },
    token,
  );
}

async function createOk(body: Record<string, unknown> = {}): Promise<string> {
  const answer = await create(body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.id;
}

const rowsOf = (campaignId: string) =>
  db.prisma.outboxMessage.findMany({
    where: { campaignId, kind: "campaign" },
    orderBy: { id: "asc" },
  });

describe(`campaigns API on ${testDbKind}`, () => {
  it("creates a draft with the contract's fields, answering its id, status and reach", async () => {
    const answer = await create({
      text: {
        ru: "Скидка {points} баллов, {first_name|друг}",
        en: "A discount, {first_name|friend}",
      },
      buttons: [
        { text: "Сайт", url: "https://example.com/sale" },
        { text: { ru: "Моя карта", en: "My card" }, action: "card" },
      ],
      photoUrl: "https://example.com/photo.jpg",
      sendAt: null,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body).toMatchObject({
      id: expect.any(String),
      status: "DRAFT",
      audienceCount: 11,
      text: {
        ru: "Скидка {points} баллов, {first_name|друг}",
        en: "A discount, {first_name|friend}",
      },
      buttons: [
        { text: { ru: "Сайт" }, url: "https://example.com/sale" },
        { text: { ru: "Моя карта", en: "My card" }, action: "card" },
      ],
      photoUrl: "https://example.com/photo.jpg",
      marketing: true,
      recipients: 0,
    });
    const got = await call("GET", `/api/campaigns/${answer.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.status).toBe("DRAFT");
    expect(got.body.stats).toMatchObject({
      recipients: 0,
      sent: 0,
      failed: 0,
      blocked: 0,
      skipped: 0,
      pending: 0,
      clicks: 0,
    });
    const list = await call("GET", "/api/campaigns?status=DRAFT");
    expect(list.body.campaigns.map((c: { id: string }) => c.id)).toContain(answer.body.id);
    const audit = await db.prisma.auditEntry.findFirst({ where: { action: "campaign.created" } });
    expect(audit?.data).toMatchObject({ campaignId: answer.body.id });
  });

  it("answers bad input with a 400 naming the field", async () => {
    expectIssue(
      await create({ text: "Привет, {foo}!" }),
      "text",
      "text: unknown placeholder {foo}",
    );
    expectIssue(
      await create({ text: { ru: "Привет", en: "Hi {bar|x}" } }),
      "text.en",
      "text.en: unknown placeholder {bar}",
    );
    expectIssue(await create({ buttons: [{ text: "{nope}", action: "ok" }] }), "buttons.0.text");
    expectIssue(
      await create({
        variants: [
          { key: "A", share: 50, text: "А {first_name}" },
          { key: "B", share: 50, text: "Б {zzz}" },
        ],
      }),
      "variants.1.text",
    );
    expectIssue(await call("POST", "/api/campaigns", { name: "x", text: "y" }), "segment");
    expectIssue(await create({ surprise: 1 }), "surprise");
    expectIssue(await create({ name: "x".repeat(100_000) }), "name");
    expectIssue(await create({ text: "x".repeat(100_000) }), "text");
    expectIssue(await create({ text: "x".repeat(4097) }), "text");
    expectIssue(await create({ photoUrl: "https://e.com/a.jpg", text: "x".repeat(1025) }), "text");
    expectIssue(await create({ photoUrl: "ftp://example.com/a.jpg" }), "photoUrl");
    expectIssue(await create({ photoUrl: "javascript:alert(1)" }), "photoUrl");
    expectIssue(await create({ photoUrl: "photo.jpg" }), "photoUrl");
    // A photo Telegram already has (what the bot's /broadcast passes) is taken as it is.
    const fileId = await create({ photoUrl: "AgACAgIAAxkBAAIBZ2Vf-photo_file_id_1234567890" });
    expect(fileId.status).toBe(201);
    expectIssue(await create({ sendAt: new Date(Date.now() - 3_600_000).toISOString() }), "sendAt");
    expectIssue(await create({ sendAt: "tomorrow" }), "sendAt");
    expectIssue(await create({ segment: { field: "shoe", op: "eq", value: 1 } }), "segment.field");
    expectIssue(await create({ segment: randomUUID() }), "segment");
    expectIssue(await create({ segment: "everyone" }), "segment");
    expectIssue(
      await create({ buttons: Array.from({ length: 11 }, () => ({ text: "a", action: "ok" })) }),
      "buttons",
    );
    expectIssue(await create({ buttons: [{ text: "a", action: "explode" }] }), "buttons.0");
    expectIssue(
      await create({
        variants: [
          { key: "A", share: 50, text: "a" },
          { key: "B", share: 40, text: "b" },
        ],
      }),
      "variants",
    );
    const malformed = await call("POST", "/api/campaigns", '{"name": "oops');
    expect(malformed.status).toBe(400);
    expect(await db.prisma.campaign.count({ where: { name: "x" } })).toBe(0);
  });

  it("refuses cashiers and viewers, and answers 404 for an unknown campaign", async () => {
    const id = await createOk();
    for (const token of [cashier, viewer]) {
      expect((await create({}, token)).status).toBe(403);
      expect((await call("GET", `/api/campaigns/${id}`, undefined, token)).status).toBe(403);
      expect((await call("POST", `/api/campaigns/${id}/launch`, undefined, token)).status).toBe(
        403,
      );
      expect((await call("GET", "/api/campaigns", undefined, token)).status).toBe(403);
    }
    expect((await create({}, manager)).status).toBe(201);
    const unknown = randomUUID();
    for (const [method, path] of [
      ["GET", `/api/campaigns/${unknown}`],
      ["POST", `/api/campaigns/${unknown}/launch`],
      ["POST", `/api/campaigns/${unknown}/cancel`],
      ["GET", `/api/campaigns/${unknown}/preview`],
      ["GET", `/api/campaigns/${unknown}/deliveries.csv`],
    ] as const) {
      const answer = await call(method, path);
      expect(answer.status, path).toBe(404);
      expect(answer.body.error.code).toBe("not_found");
    }
    const put = await call("PUT", `/api/campaigns/${unknown}`, {
      name: "a",
      text: "b",
      segment: "all",
    });
    expect(put.status).toBe(404);
    expect((await call("GET", "/api/campaigns/not-a-uuid")).status).toBe(400);
  });

  it("launches: one row per reachable, consenting, active customer; twice is a 409; no edits while sending", async () => {
    const id = await createOk({ buttons: [{ text: "Сайт", url: "https://example.com/" }] });
    const launched = await call("POST", `/api/campaigns/${id}/launch`);
    expect(launched.status, JSON.stringify(launched.body)).toBe(200);
    expect(launched.body).toMatchObject({ status: "SENDING", recipients: 11 });
    const rows = await rowsOf(id);
    expect(rows).toHaveLength(11);
    const recipients = new Set(rows.map((row) => row.customerId));
    for (const left of ["noConsent", "unreachable", "noTelegram", "onboarding"])
      expect(recipients.has(ids[left] as string), left).toBe(false);
    for (const row of rows) {
      expect(row).toMatchObject({
        kind: "campaign",
        status: "PENDING",
        marketing: true,
        service: false,
        variant: null,
        dedupeKey: `campaign:${id}:${row.customerId}`,
        payload: { campaign: { variant: null } },
      });
    }
    const again = await call("POST", `/api/campaigns/${id}/launch`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already launched/);
    const edit = await call("PUT", `/api/campaigns/${id}`, {
      name: "b",
      text: "c",
      segment: "all",
    });
    expect(edit.status).toBe(409);
    expect(edit.body.error.details.status).toBe("SENDING");
    expect(await rowsOf(id)).toHaveLength(11);
    const audit = await db.prisma.auditEntry.findFirst({
      where: { action: "campaign.launched" },
      orderBy: { id: "desc" },
    });
    expect(audit?.data).toMatchObject({ campaignId: id, recipients: 11 });
  });

  it("a non-marketing campaign still needs an active, reachable customer with Telegram", async () => {
    const id = await createOk({ marketing: false });
    const launched = await call("POST", `/api/campaigns/${id}/launch`);
    expect(launched.body.recipients).toBe(12);
    const rows = await rowsOf(id);
    expect(rows.some((row) => row.customerId === ids.noConsent)).toBe(true);
    expect(rows.every((row) => !row.marketing)).toBe(true);
  });

  it("refuses a launch to an audience that matches nobody, and the campaign stays a draft", async () => {
    const nobody = await createOk({
      segment: { field: "tags", op: "contains", value: "nobody-has-it" },
    });
    const answer = await call("POST", `/api/campaigns/${nobody}/launch`);
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toBe("Nobody to send to: the segment matches no customer");
    const noConsent = await createOk({
      segment: { field: "marketingConsent", op: "eq", value: false },
    });
    const second = await call("POST", `/api/campaigns/${noConsent}/launch`);
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(
      /matches 1 customer\(s\), but none is active, reachable/,
    );
    for (const id of [nobody, noConsent]) {
      expect((await call("GET", `/api/campaigns/${id}`)).body.status).toBe("DRAFT");
      expect(await rowsOf(id)).toHaveLength(0);
    }
  });

  it("launches to a saved segment and splits A/B variants by share", async () => {
    const segment = await call("POST", "/api/segments", {
      name: "VIP",
      rule: { all: [tagged, { field: "tags", op: "contains", value: "vip" }] },
    });
    expect(segment.status).toBe(201);
    const id = await createOk({
      segment: segment.body.segment.id,
      variants: [
        { key: "A", share: 50, text: "Вариант А, {first_name}" },
        { key: "B", share: 50, text: "Вариант Б" },
      ],
    });
    const launched = await call("POST", `/api/campaigns/${id}/launch`);
    expect(launched.body.recipients).toBe(4);
    const rows = await rowsOf(id);
    expect(rows.every((row) => row.variant === "A" || row.variant === "B")).toBe(true);
    for (const row of rows) expect(row.payload).toEqual({ campaign: { variant: row.variant } });
    const stats = (await call("GET", `/api/campaigns/${id}`)).body.stats;
    expect(stats.variants.map((v: { key: string }) => v.key)).toEqual(["A", "B"]);
    expect(
      stats.variants.reduce((sum: number, v: { recipients: number }) => sum + v.recipients, 0),
    ).toBe(4);
    // The preview shows a customer their own variant.
    for (const row of rows) {
      const preview = await call(
        "GET",
        `/api/campaigns/${id}/preview?customerId=${row.customerId}`,
      );
      expect(preview.body.variant).toBe(row.variant);
    }
  });

  it("counts outcomes, clicks and possible duplicates from the rows", async () => {
    const id = await createOk({
      buttons: [
        { text: "Да", action: "ok" },
        { text: "Сайт", url: "https://example.com/" },
      ],
    });
    await call("POST", `/api/campaigns/${id}/launch`);
    const rows = await rowsOf(id);
    const set = (
      index: number,
      status: "SENT" | "FAILED" | "BLOCKED" | "SKIPPED" | "SENDING",
      extra = {},
    ) =>
      db.prisma.outboxMessage.update({
        where: { id: rows[index]?.id as bigint },
        data: { status, ...extra },
      });
    await set(0, "SENT", { sentAt: new Date() });
    await set(1, "SENT", { sentAt: new Date(), reclaims: 1 });
    await set(2, "SENT", { sentAt: new Date() });
    await set(3, "FAILED");
    await set(4, "BLOCKED");
    await set(5, "SKIPPED");
    await set(6, "SENDING");
    for (const [row, button] of [
      [0, "0"],
      [0, "1"],
      [1, "0"],
      [2, "unsubscribe"],
    ] as const)
      await db.prisma.campaignClick.create({
        data: {
          campaignId: id,
          outboxId: rows[row]?.id as bigint,
          customerId: rows[row]?.customerId as string,
          button,
        },
      });
    const answer = await call("GET", `/api/campaigns/${id}`);
    expect(answer.body.status).toBe("SENDING");
    expect(answer.body.stats).toMatchObject({
      recipients: 11,
      sent: 3,
      failed: 1,
      blocked: 1,
      skipped: 1,
      pending: 5,
      clicks: 2,
      buttonClicks: 3,
      unsubscribes: 1,
      cancelled: 0,
      possibleDuplicates: 1,
    });
    // Test sends are not deliveries.
    await call("POST", `/api/campaigns/${id}/test`, { staffId: managerStaffId });
    expect((await call("GET", `/api/campaigns/${id}`)).body.stats.recipients).toBe(11);
  });

  it("pauses, resumes and cancels; cancelling marks the unsent rows and nothing else", async () => {
    const id = await createOk();
    expect((await call("POST", `/api/campaigns/${id}/pause`)).status).toBe(409);
    await call("POST", `/api/campaigns/${id}/launch`);
    const rows = await rowsOf(id);
    await db.prisma.outboxMessage.update({
      where: { id: rows[0]?.id as bigint },
      data: { status: "SENT", sentAt: new Date() },
    });
    const paused = await call("POST", `/api/campaigns/${id}/pause`);
    expect(paused.body).toMatchObject({ status: "PAUSED", pausedAt: expect.any(String) });
    expect((await call("POST", `/api/campaigns/${id}/pause`)).status).toBe(409);
    expect(
      (await call("PUT", `/api/campaigns/${id}`, { name: "a", text: "b", segment: "all" })).status,
    ).toBe(409);
    const resumed = await call("POST", `/api/campaigns/${id}/resume`);
    expect(resumed.body).toMatchObject({ status: "SENDING", pausedAt: null });
    expect((await call("POST", `/api/campaigns/${id}/resume`)).status).toBe(409);
    const cancelled = await call("POST", `/api/campaigns/${id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: "CANCELLED", finishedAt: expect.any(String) });
    const after = await rowsOf(id);
    expect(after.filter((row) => row.status === "CANCELLED")).toHaveLength(10);
    expect(after.filter((row) => row.status === "SENT")).toHaveLength(1);
    expect((await call("GET", `/api/campaigns/${id}`)).body.stats).toMatchObject({
      cancelled: 10,
      sent: 1,
      pending: 0,
    });
    expect((await call("POST", `/api/campaigns/${id}/cancel`)).status).toBe(409);
    expect((await call("POST", `/api/campaigns/${id}/launch`)).status).toBe(409);
    // A draft can be cancelled too.
    const draft = await createOk();
    expect((await call("POST", `/api/campaigns/${draft}/cancel`)).body.status).toBe("CANCELLED");
    const actions = await db.prisma.auditEntry.findMany({
      where: { action: { in: ["campaign.paused", "campaign.resumed", "campaign.cancelled"] } },
    });
    expect(actions.map((a) => a.action).sort()).toEqual([
      "campaign.cancelled",
      "campaign.cancelled",
      "campaign.paused",
      "campaign.resumed",
    ]);
  });

  it("schedules a launch with a future sendAt; the job materialises it when the clock gets there", async () => {
    const sendAt = future(90);
    const id = await createOk({ sendAt });
    const changed = await call("PUT", `/api/campaigns/${id}`, {
      name: "Осень, изменено",
      text: "Новый текст, {first_name}",
      segment: tagged,
      sendAt,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.name).toBe("Осень, изменено");
    const launched = await call("POST", `/api/campaigns/${id}/launch`);
    expect(launched.body).toMatchObject({ status: "SCHEDULED", recipients: 0 });
    expect(await rowsOf(id)).toHaveLength(0);
    // Still editable while scheduled, but only to another future time.
    const past = await call("PUT", `/api/campaigns/${id}`, {
      name: "a",
      text: "b",
      segment: tagged,
    });
    expectIssue(past, "sendAt");
    const deps = { sql: db.sql, timeZone: "Europe/Moscow" };
    const early = await launchScheduledCampaigns({
      ...deps,
      now: () => new Date(Date.parse(sendAt) - 60_000),
    });
    expect(early.launched).not.toContain(id);
    expect((await call("GET", `/api/campaigns/${id}`)).body.status).toBe("SCHEDULED");
    const due = await launchScheduledCampaigns({ ...deps, now: () => new Date(sendAt) });
    expect(due.launched).toContain(id);
    const detail = await call("GET", `/api/campaigns/${id}`);
    expect(detail.body).toMatchObject({
      status: "SENDING",
      recipients: 11,
      stats: { pending: 11 },
    });
    // Run again: nothing twice.
    await launchScheduledCampaigns({ ...deps, now: () => new Date(sendAt) });
    expect(await rowsOf(id)).toHaveLength(11);
    await db.prisma.outboxMessage.updateMany({
      where: { campaignId: id },
      data: { status: "SENT", sentAt: new Date() },
    });
    await launchScheduledCampaigns({ ...deps, now: () => new Date(Date.parse(sendAt) + 60_000) });
    expect((await call("GET", `/api/campaigns/${id}`)).body).toMatchObject({
      status: "SENT",
      finishedAt: expect.any(String),
    });
  });

  it("refuses to launch a draft whose sendAt has passed", async () => {
    const id = await createOk({ sendAt: future(5) });
    await db.prisma.campaign.update({
      where: { id },
      data: { scheduledAt: new Date(Date.now() - 3_600_000) },
    });
    expectIssue(await call("POST", `/api/campaigns/${id}/launch`), "sendAt");
    expect((await call("GET", `/api/campaigns/${id}`)).body.status).toBe("DRAFT");
  });

  it("sends a test to the token's staff member, making their customer record if needed", async () => {
    const id = await createOk();
    const staff = await db.prisma.staffMember.create({
      data: { name: "Управляющий", role: "MANAGER", telegramId: 5_550_002n },
    });
    const own = (
      await call("POST", "/api/tokens", { name: "own", role: "MANAGER", staffId: staff.id })
    ).body.token as string;
    expect(await db.prisma.customer.count({ where: { telegramId: 5_550_002n } })).toBe(0);
    const sent = await call("POST", `/api/campaigns/${id}/test`, {}, own);
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const staffCustomer = await db.prisma.customer.findUnique({
      where: { telegramId: 5_550_002n },
    });
    expect(staffCustomer).not.toBeNull();
    const tests = await db.prisma.outboxMessage.findMany({
      where: { campaignId: id, kind: "campaign_test" },
    });
    expect(tests).toHaveLength(1);
    expect(tests[0]).toMatchObject({
      customerId: staffCustomer?.id,
      service: true,
      payload: { campaign: { variant: null } },
    });
    // The admin token is nobody: it must say whom.
    expectIssue(await call("POST", `/api/campaigns/${id}/test`, {}), "staffId");
    expect(
      (await call("POST", `/api/campaigns/${id}/test`, { staffId: randomUUID() })).status,
    ).toBe(404);
    const noTelegram = await db.prisma.staffMember.create({
      data: { name: "Без телеграма", role: "CASHIER" },
    });
    expect(
      (await call("POST", `/api/campaigns/${id}/test`, { staffId: noTelegram.id })).status,
    ).toBe(409);
    expect(
      await db.prisma.auditEntry.count({ where: { action: "campaign.test_sent" } }),
    ).toBeGreaterThanOrEqual(1);
  });

  it("previews the personalised text for a customer or a sample of the audience", async () => {
    const id = await createOk({
      text: {
        ru: "Привет, {first_name|друг}! У вас {points|0} баллов, уровень {tier}.",
        en: "Hi {first_name|friend}, tier {tier}",
      },
      parseMode: "HTML",
      buttons: [{ text: "Для {first_name|вас}", url: "https://example.com/" }],
    });
    const forOne = await call("GET", `/api/campaigns/${id}/preview?customerId=${ids.ok3}`);
    expect(forOne.status).toBe(200);
    expect(forOne.body).toMatchObject({
      text: "Привет, Клиент! У вас 0 баллов, уровень Базовый.",
      parseMode: "HTML",
      buttons: [{ text: "Для Клиент", url: "https://example.com/" }],
      customerId: ids.ok3,
      language: "ru",
    });
    const english = await call("GET", `/api/campaigns/${id}/preview?customerId=${ids.english}`);
    expect(english.body.text).toBe("Hi friend, tier Base");
    const sample = await call("GET", `/api/campaigns/${id}/preview`);
    expect(sample.body.customerId).toEqual(expect.any(String));
    expect(
      (await call("GET", `/api/campaigns/${id}/preview?customerId=${randomUUID()}`)).status,
    ).toBe(404);
  });

  it("reports every delivery as CSV", async () => {
    const id = await createOk({
      variants: [
        { key: "A", share: 30, text: "a" },
        { key: "B", share: 70, text: "b" },
      ],
    });
    await call("POST", `/api/campaigns/${id}/launch`);
    const rows = await rowsOf(id);
    await db.prisma.outboxMessage.update({
      where: { id: rows[0]?.id as bigint },
      data: { status: "SENT", sentAt: new Date(), reclaims: 1 },
    });
    await db.prisma.outboxMessage.update({
      where: { id: rows[1]?.id as bigint },
      data: { status: "FAILED", lastError: "Bad Request; chat not found" },
    });
    const response = await fetch(`${baseUrl}/api/campaigns/${id}/deliveries.csv`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    const text = (await response.text()).replace(/^\uFEFF/, "");
    const lines = text.trim().split(/\r?\n/);
    expect(lines[0]).toBe(
      "Delivery;Customer;Name;Telegram;Variant;Status;Not before;Sent at;Attempts;Possible duplicate;Error;Buttons pressed",
    );
    expect(lines).toHaveLength(12);
    expect(lines[1]).toContain(`${rows[0]?.id};${rows[0]?.customerId};`);
    expect(lines[1]).toMatch(/;SENT;.*;yes;/);
    expect(lines[2]).toContain("FAILED");
    expect(lines[2]).toContain('"Bad Request; chat not found"');
    expect(
      await db.prisma.auditEntry.count({ where: { action: "campaign.report_exported" } }),
    ).toBe(1);
  });

  it("redirects URL buttons, counting each delivery's press once; unknown links are 404", async () => {
    const id = await createOk({
      buttons: [
        { text: "Да", action: "ok" },
        { text: "Сайт", url: "https://example.com/sale?x=1" },
      ],
    });
    await call("POST", `/api/campaigns/${id}/launch`);
    const [row] = await rowsOf(id);
    const open = (path: string) => fetch(`${baseUrl}${path}`, { redirect: "manual" });
    for (let i = 0; i < 2; i++) {
      const response = await open(`/r/${row?.id}/1`);
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("https://example.com/sale?x=1");
    }
    expect(await db.prisma.campaignClick.count({ where: { campaignId: id } })).toBe(1);
    for (const path of [
      `/r/${row?.id}/0`,
      `/r/${row?.id}/7`,
      "/r/999999999/1",
      "/r/abc/1",
      `/r/${row?.id}/-1`,
    ]) {
      const response = await open(path);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("not_found");
    }
    expect((await call("GET", `/api/campaigns/${id}`)).body.stats.clicks).toBe(1);
  });

  it("deletes and edits messages sent within 48 hours", async () => {
    const draft = await createOk();
    expect((await call("POST", `/api/campaigns/${draft}/delete-messages`, {})).status).toBe(409);
    const id = await createOk();
    await call("POST", `/api/campaigns/${id}/launch`);
    const rows = await rowsOf(id);
    const sent = (index: number, hoursAgo: number, messageId: number | null) =>
      db.prisma.outboxMessage.update({
        where: { id: rows[index]?.id as bigint },
        data: {
          status: "SENT",
          sentAt: new Date(Date.now() - hoursAgo * 3_600_000),
          telegramMessageId: messageId,
        },
      });
    await sent(0, 1, 101);
    await sent(1, 47, 102);
    await sent(2, 49, 103);
    await sent(3, 1, null);
    const edit = await call("POST", `/api/campaigns/${id}/edit-messages`, {
      text: "Исправлено, {first_name}",
    });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    expect(edit.body.queued).toBe(2);
    expect((await call("GET", `/api/campaigns/${id}`)).body.text).toEqual({
      ru: "Исправлено, {first_name}",
    });
    expectIssue(
      await call("POST", `/api/campaigns/${id}/edit-messages`, { text: "{oops}" }),
      "text",
    );
    const deleted = await call("POST", `/api/campaigns/${id}/delete-messages`, {});
    expect(deleted.body.queued).toBe(2);
    // Twice is the same deletion.
    expect((await call("POST", `/api/campaigns/${id}/delete-messages`, {})).body.queued).toBe(0);
    const changes = await db.prisma.outboxMessage.findMany({
      where: { campaignId: id, kind: "campaign_change" },
      orderBy: { id: "asc" },
    });
    // One statement queues each batch: the order of rows within it is the database's.
    const byChange = (change: string) =>
      changes
        .map((c) => c.payload as { change: string; messageId: number; deliveryId: string })
        .filter((p) => p.change === change)
        .sort((a, b) => a.messageId - b.messageId);
    for (const change of ["edit", "delete"]) {
      expect(byChange(change)).toEqual([
        { change, messageId: 101, deliveryId: String(rows[0]?.id) },
        { change, messageId: 102, deliveryId: String(rows[1]?.id) },
      ]);
    }
    expect(changes.findIndex((c) => (c.payload as { change: string }).change === "delete")).toBe(2);
    expect(
      changes.every(
        (c) =>
          c.customerId ===
          rows.find((r) => String(r.id) === (c.payload as { deliveryId: string }).deliveryId)
            ?.customerId,
      ),
    ).toBe(true);
    expect((await call("GET", `/api/campaigns/${id}`)).body.stats.recipients).toBe(11);
  });
});
