import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuiltinAutomations } from "../../core/automations/automation-record.ts";
import type { Database } from "../../core/db/database.ts";
import { issueFields, jsonCaller, testApi } from "../support/api.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

let db: Database;
let api: ReturnType<typeof testApi>;
let viewer: string;
let manager: string;
beforeAll(async () => {
  db = await openTestDatabase();
  await ensureBuiltinAutomations(db.sql);
  api = testApi(db);
  const token = async (role: string) =>
    (await call("POST", "/api/tokens", { name: `${role} token`, role })).body.token as string;
  viewer = await token("VIEWER");
  manager = await token("MANAGER");
});
afterAll(async () => {
  await db?.close();
});

const call = (...args: Parameters<ReturnType<typeof jsonCaller>>) => jsonCaller(api)(...args);

describe(`/api/automations on ${testDbKind}`, () => {
  it("lists the built-ins with settings, words, on/off and statistics", async () => {
    const answer = await call("GET", "/api/automations", undefined, manager);
    expect(answer.status).toBe(200);
    const byKey = Object.fromEntries(
      (answer.body.automations as Array<{ key: string }>).map((a) => [a.key, a]),
    );
    expect(byKey.birthday).toMatchObject({
      kind: "BIRTHDAY",
      enabled: true,
      builtin: true,
      message: { text: null, buttons: [] },
      stats: { fired: 0, sent: 0, skipped: 0 },
    });
    expect(byKey.winback).toMatchObject({
      enabled: false,
      settings: { factor: 1.5, defaultIntervalDays: 45, bonusPoints: 0 },
    });
    expect(byKey.expiry_warning).toMatchObject({ kind: "EXPIRY_WARNING" });
  });

  it("changes words, timing and on/off; audited", async () => {
    const answer = await call("PUT", "/api/automations/winback", {
      enabled: true,
      text: { ru: "{first_name|Друг}, ждём вас! {bonus} баллов до {bonus_until}", en: "Come back" },
      buttons: [{ text: "Открыть карту", action: "card" }],
      settings: { factor: 2, bonusPoints: 100 },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.automation).toMatchObject({
      enabled: true,
      settings: { factor: 2, bonusPoints: 100, defaultIntervalDays: 45 },
      message: { text: { en: "Come back" }, buttons: [{ text: { ru: "Открыть карту" } }] },
    });
    expect((await call("GET", "/api/automations/winback")).body.automation.settings.factor).toBe(2);
    const audit = await db.prisma.auditEntry.findMany({ where: { action: "automation.changed" } });
    expect(audit.length).toBeGreaterThan(0);
  });

  it("refuses an unknown placeholder, an unknown field and bad settings, naming each", async () => {
    const placeholder = await call("PUT", "/api/automations/birthday", {
      text: "С днём рождения, {frist_name}!",
    });
    expect(placeholder.status).toBe(400);
    expect(placeholder.body.error.message).toContain("{frist_name}");
    expect(issueFields(placeholder)).toEqual(["text.ru"]);

    const unknownField = await call("PUT", "/api/automations/birthday", { colour: "red" });
    expect(unknownField.status).toBe(400);
    expect(issueFields(unknownField)).toContain("colour");

    const settings = await call("PUT", "/api/automations/winback", {
      settings: { factor: 0, nonsense: 1 },
    });
    expect(settings.status).toBe(400);
    expect(issueFields(settings)).toEqual(["settings.factor", "settings.nonsense"]);
  });

  it("creates a date reminder and a drip chain, and deletes them but not a built-in", async () => {
    const reminder = await call("POST", "/api/automations", {
      key: "next_service",
      kind: "DATE_REMINDER",
      name: "Service reminder",
      text: "Обслуживание {date}",
      settings: { attribute: "next_service_date", daysBefore: 3 },
    });
    expect(reminder.status, JSON.stringify(reminder.body)).toBe(201);
    expect(reminder.body.automation).toMatchObject({ key: "next_service", builtin: false });

    const drip = await call("POST", "/api/automations", {
      key: "welcome_chain",
      kind: "DRIP",
      name: "Welcome",
      settings: { trigger: "card.issued" },
      steps: [
        { delayHours: 1, text: "Добро пожаловать!" },
        { delayHours: 72, text: { ru: "Как дела?", en: "How are you?" } },
      ],
    });
    expect(drip.status, JSON.stringify(drip.body)).toBe(201);
    expect(drip.body.automation.stats).toMatchObject({
      fired: 0,
      steps: [
        { step: 0, fired: 0 },
        { step: 1, fired: 0 },
      ],
    });

    const taken = await call("POST", "/api/automations", {
      key: "welcome_chain",
      kind: "DRIP",
      name: "Again",
      settings: { trigger: "card.issued" },
      steps: [{ delayHours: 1, text: "Hi" }],
    });
    expect(taken.status).toBe(409);
    const badKey = await call("POST", "/api/automations", {
      key: "Bad-Key",
      kind: "DRIP",
      name: "x",
      settings: { trigger: "card.issued" },
      steps: [{ delayHours: 1, text: "Hi" }],
    });
    expect(badKey.status).toBe(400);
    expect(issueFields(badKey)).toEqual(["key"]);
    const noTrigger = await call("POST", "/api/automations", {
      key: "no_trigger",
      kind: "DRIP",
      name: "x",
      settings: { trigger: "moon.full" },
      steps: [{ delayHours: 1, text: "Hi {nope}" }],
    });
    expect(noTrigger.status).toBe(400);
    expect(issueFields(noTrigger)).toEqual(["settings.trigger", "steps.0.text.ru"]);

    expect((await call("DELETE", "/api/automations/birthday")).status).toBe(409);
    expect((await call("DELETE", "/api/automations/no_such")).status).toBe(404);
    expect((await call("GET", "/api/automations/no_such")).status).toBe(404);
    expect((await call("PUT", "/api/automations/no_such", { enabled: false })).status).toBe(404);
    expect((await call("DELETE", "/api/automations/next_service")).status).toBe(200);
    expect((await call("GET", "/api/automations/next_service")).status).toBe(404);
  });

  it("reading needs broadcast, changing manageSettings", async () => {
    expect((await call("GET", "/api/automations", undefined, viewer)).status).toBe(403);
    expect(
      (await call("PUT", "/api/automations/birthday", { enabled: false }, manager)).status,
    ).toBe(403);
    expect((await call("GET", "/api/automations", undefined, "wrong-token")).status).toBe(401);
  });

  it("the owner sets a customer's time zone; a zone that does not exist is a 400", async () => {
    const customer = await db.prisma.customer.create({
      data: { referralCode: "AUTOAPI1", status: "ACTIVE" },
    });
    const set = await call("PATCH", `/api/customers/${customer.id}`, {
      timeZone: "Asia/Yekaterinburg",
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.customer.timeZone).toBe("Asia/Yekaterinburg");
    const bad = await call("PATCH", `/api/customers/${customer.id}`, { timeZone: "Mars/Olympus" });
    expect(bad.status).toBe(400);
    expect(issueFields(bad)).toEqual(["timeZone"]);
    const cleared = await call("PATCH", `/api/customers/${customer.id}`, { timeZone: null });
    expect(cleared.body.customer.timeZone).toBe(null);
  });
});
