import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureBuiltinAutomations } from "../../core/automations/automation-record.ts";
import { sendDateReminders } from "../../core/automations/date-reminders.ts";
import { runDrips } from "../../core/automations/drips.ts";
import {
  type AutomationChange,
  createAutomation,
  getAutomation,
  type NewAutomationInput,
  updateAutomation,
} from "../../core/automations/manage-automations.ts";
import { sendWinbacks } from "../../core/automations/winback.ts";
import type { Database } from "../../core/db/database.ts";
import { insertEvents } from "../../core/db/tables/customer-events.ts";
import { selectQuestions } from "../../core/db/tables/questions.ts";
import { EventType } from "../../core/events.ts";
import { creditBirthdayBonuses } from "../../core/loyalty/birthday-bonus.ts";
import { warnAboutExpiringPoints } from "../../core/loyalty/expiry-warning.ts";
import { postLedgerEntry } from "../../core/loyalty/ledger.ts";
import { LoyaltySettingsSchema } from "../../core/loyalty/settings.ts";
import { timeZoneOfCity } from "../../core/profile/time-zone.ts";
import { ensureDefaultPack } from "../../core/questions/packs.ts";
import { AnswerSource, saveAnswer } from "../../core/questions/save-answer.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";
import { cliOwner } from "../support/staff.ts";

const timeZone = "Europe/Moscow";
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** 12:00 in Moscow, 19:00 in Vladivostok. */
const NOW = new Date("2026-03-02T09:00:00Z");

// One database for the file; every test works on customers of its own and reads its own rows.
let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
  await ensureBuiltinAutomations(db.sql, new Date("2026-01-01T00:00:00Z"));
  await ensureDefaultPack(db.sql);
});
afterAll(async () => {
  await db?.close();
});

const deps = (now = NOW) => ({
  sql: db.sql,
  actor: cliOwner,
  questions: { all: () => selectQuestions(db.sql) },
  now: () => now,
});
const change = (key: string, edit: AutomationChange, now = NOW) =>
  updateAutomation(deps(now), key, edit);
const create = (input: NewAutomationInput, now = NOW) => createAutomation(deps(now), input);

let counter = 0;
async function newCustomer(
  options: {
    lastPurchaseDaysAgo?: number;
    purchases?: number;
    avgDays?: number | null;
    consent?: boolean;
    timeZone?: string | null;
    attributes?: Record<string, unknown>;
    birthday?: [number, number];
    card?: boolean;
  } = {},
) {
  const n = ++counter;
  const customer = await db.prisma.customer.create({
    data: {
      referralCode: `AUTO${n}`,
      telegramId: BigInt(810_000 + n),
      status: "ACTIVE",
      language: "ru",
      marketingConsent: options.consent ?? true,
      timeZone: options.timeZone ?? null,
      purchaseCount: options.purchases ?? 0,
      avgPurchaseIntervalDays: options.avgDays ?? null,
      lastPurchaseAt:
        options.lastPurchaseDaysAgo === undefined
          ? null
          : new Date(NOW.getTime() - options.lastPurchaseDaysAgo * DAY),
      attributes: (options.attributes ?? {}) as object,
      birthMonth: options.birthday?.[0] ?? null,
      birthDay: options.birthday?.[1] ?? null,
    },
  });
  const card =
    options.card === false
      ? null
      : await db.prisma.loyaltyCard.create({
          data: { number: `9${String(n).padStart(11, "0")}`, customerId: customer.id },
        });
  return { id: customer.id, cardId: card?.id ?? "" };
}

const outboxOf = (customerIds: string[]) =>
  db.prisma.outboxMessage.findMany({
    where: { customerId: { in: customerIds } },
    orderBy: { id: "asc" },
  });

describe(`win-back on ${testDbKind}`, () => {
  beforeEach(async () => {
    await change("winback", {
      enabled: false,
      text: null,
      settings: { factor: 1.5, defaultIntervalDays: 45, bonusPoints: 0 },
    });
  });

  it("is off until the owner switches it on", async () => {
    const lapsed = await newCustomer({ lastPurchaseDaysAgo: 400, purchases: 1 });
    await sendWinbacks(db.sql, { timeZone, now: NOW });
    expect(await outboxOf([lapsed.id])).toEqual([]);
  });

  it("goes by the customer's own rhythm, the default below three purchases, once per lapse", async () => {
    await change("winback", {
      enabled: true,
      text: { ru: "{first_name|Друг}, {days_since} дней без вас!", en: "Miss you" },
    });
    // Own rhythm: every 10 days × 1.5 = overdue after 15.
    const overdue = await newCustomer({ lastPurchaseDaysAgo: 16, purchases: 5, avgDays: 10 });
    const onTime = await newCustomer({ lastPurchaseDaysAgo: 14, purchases: 5, avgDays: 10 });
    // Two purchases: their 5-day average is no rhythm yet; 45 × 1.5 = 67.5 days.
    const fewDefault = await newCustomer({ lastPurchaseDaysAgo: 70, purchases: 2, avgDays: 5 });
    const fewRecent = await newCustomer({ lastPurchaseDaysAgo: 60, purchases: 2, avgDays: 5 });
    const noConsent = await newCustomer({ lastPurchaseDaysAgo: 100, purchases: 1, consent: false });
    const never = await newCustomer({});
    const all = [overdue, onTime, fewDefault, fewRecent, noConsent, never].map((c) => c.id);

    // Twice in a row and twice at once: one message per customer and lapse.
    await sendWinbacks(db.sql, { timeZone, now: NOW, batchSize: 2 });
    await Promise.all([
      sendWinbacks(db.sql, { timeZone, now: NOW, batchSize: 2 }),
      sendWinbacks(db.sql, { timeZone, now: NOW }),
    ]);
    const rows = await outboxOf(all);
    expect(rows.map((row) => row.customerId).sort()).toEqual([overdue.id, fewDefault.id].sort());
    const lastDay = (daysAgo: number) =>
      new Date(NOW.getTime() - daysAgo * DAY).toISOString().slice(0, 10);
    expect(rows.find((row) => row.customerId === overdue.id)).toMatchObject({
      kind: "automation",
      marketing: true,
      service: false,
      dedupeKey: `automation:winback:${overdue.id}:${lastDay(16)}`,
      payload: {
        automationKey: "winback",
        owner: { text: { ru: "{first_name|Друг}, {days_since} дней без вас!", en: "Miss you" } },
        vars: { days_since: 16 },
      },
    });

    // A purchase later and overdue again: a new lapse, a new message.
    await db.prisma.customer.update({
      where: { id: overdue.id },
      data: { lastPurchaseAt: new Date(NOW.getTime() - 2 * DAY) },
    });
    await sendWinbacks(db.sql, { timeZone, now: new Date(NOW.getTime() + 20 * DAY) });
    expect(await outboxOf([overdue.id])).toHaveLength(2);
  });

  it("credits the bonus once with the message, which says until when", async () => {
    await change("winback", { enabled: true, settings: { bonusPoints: 150, bonusValidDays: 10 } });
    const lapsed = await newCustomer({ lastPurchaseDaysAgo: 90, purchases: 1 });
    const noCard = await newCustomer({ lastPurchaseDaysAgo: 90, purchases: 1, card: false });
    await Promise.all([
      sendWinbacks(db.sql, { timeZone, now: NOW }),
      sendWinbacks(db.sql, { timeZone, now: NOW }),
    ]);
    await sendWinbacks(db.sql, { timeZone, now: NOW });
    const [row, ...rest] = await outboxOf([lapsed.id, noCard.id]);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      customerId: lapsed.id,
      payload: {
        template: "automation-winback-bonus",
        vars: { bonus: 150, count: 150, bonus_until: "12.03.2026", day: 12, month: 3 },
      },
    });
    const entries = await db.prisma.pointsEntry.findMany({ where: { customerId: lapsed.id } });
    expect(entries).toMatchObject([{ kind: "EVENT", delta: 150 }]);
    expect(entries[0]?.idempotencyKey).toMatch(/^winback:/);
  });

  it("waits for the hours on the customer's own clock", async () => {
    await change("winback", { enabled: true });
    const moscow = await newCustomer({ lastPurchaseDaysAgo: 90, purchases: 1 });
    const vladivostok = await newCustomer({
      lastPurchaseDaysAgo: 90,
      purchases: 1,
      timeZone: "Asia/Vladivostok",
    });
    // 11:00 UTC: 14:00 in Moscow, 21:00 in Vladivostok (after the 10–20 hours).
    const evening = new Date("2026-03-02T11:00:00Z");
    await sendWinbacks(db.sql, { timeZone, now: evening });
    expect((await outboxOf([moscow.id, vladivostok.id])).map((r) => r.customerId)).toEqual([
      moscow.id,
    ]);
    // Next morning there (00:00 UTC = 10:00 in Vladivostok).
    await sendWinbacks(db.sql, { timeZone, now: new Date("2026-03-03T00:00:00Z") });
    expect(await outboxOf([vladivostok.id])).toHaveLength(1);
  });
});

describe(`date reminders on ${testDbKind}`, () => {
  it("reminds N days before the date, once per date value", async () => {
    const created = await create({
      key: "service_reminder",
      kind: "DATE_REMINDER",
      name: "Service",
      text: "{first_name|Здравствуйте}! Обслуживание кондиционера {date}, через {days_left} дн.",
      settings: { attribute: "next_service_date", daysBefore: 3 },
    });
    expect(created).toMatchObject({ enabled: true, settings: { daysBefore: 3 } });
    const soon = await newCustomer({ attributes: { next_service_date: "2026-03-06" } });
    const later = await newCustomer({ attributes: { next_service_date: "2026-03-20" } });
    const garbage = await newCustomer({ attributes: { next_service_date: "soon" } });
    const ids = [soon.id, later.id, garbage.id];

    // 2 March: 4 days before the 6th, too early.
    await sendDateReminders(db.sql, { timeZone, now: NOW });
    expect(await outboxOf(ids)).toEqual([]);
    const third = new Date(NOW.getTime() + DAY);
    await Promise.all([
      sendDateReminders(db.sql, { timeZone, now: third }),
      sendDateReminders(db.sql, { timeZone, now: third }),
    ]);
    await sendDateReminders(db.sql, { timeZone, now: new Date(third.getTime() + DAY) });
    const rows = await outboxOf(ids);
    expect(rows).toMatchObject([
      {
        customerId: soon.id,
        kind: "automation",
        marketing: false,
        dedupeKey: `automation:service_reminder:${soon.id}:2026-03-06`,
        payload: { automationKey: "service_reminder", vars: { date: "06.03.2026", days_left: 3 } },
      },
    ]);

    // The next service date is a new occasion.
    await db.prisma.customer.update({
      where: { id: soon.id },
      data: { attributes: { next_service_date: "2026-09-06" } },
    });
    await sendDateReminders(db.sql, { timeZone, now: new Date("2026-09-04T09:00:00Z") });
    expect(await outboxOf([soon.id])).toHaveLength(2);

    await change("service_reminder", { enabled: false });
    await db.prisma.customer.update({
      where: { id: later.id },
      data: { attributes: { next_service_date: "2026-09-05" } },
    });
    await sendDateReminders(db.sql, { timeZone, now: new Date("2026-09-04T09:00:00Z") });
    expect(await outboxOf([later.id])).toEqual([]);
  });
});

describe(`drip chains on ${testDbKind}`, () => {
  it("sends the steps with their delays, once each, and stops when the customer buys", async () => {
    const t0 = new Date("2026-04-01T07:00:00Z"); // 10:00 in Moscow
    await create(
      {
        key: "after_purchase",
        kind: "DRIP",
        name: "After a purchase",
        settings: { trigger: "purchase.recorded" },
        steps: [
          { delayHours: 0, text: "Спасибо за покупку, {first_name|друг}!" },
          { delayHours: 24, text: "Как вам покупка?" },
          { delayHours: 48, text: { ru: "Ждём снова", en: "Come again" } },
        ],
      },
      t0,
    );
    const buyer = await newCustomer();
    const loyal = await newCustomer();
    const before = await newCustomer();
    const at = (hours: number) => new Date(t0.getTime() + hours * HOUR);
    // A purchase before the chain existed does not start it.
    await insertEvents(
      db.sql,
      [{ customerId: before.id, type: EventType.purchaseRecorded }],
      at(-1),
    );
    await insertEvents(
      db.sql,
      [
        { customerId: buyer.id, type: EventType.purchaseRecorded },
        { customerId: loyal.id, type: EventType.purchaseRecorded },
      ],
      at(1),
    );
    const run = (hours: number) => runDrips(db.sql, { timeZone, now: at(hours) });
    const ids = [buyer.id, loyal.id, before.id];

    expect(await run(2)).toMatchObject({ enrolled: 2, queued: 2 });
    await Promise.all([run(2), run(2)]);
    expect(await outboxOf(ids)).toHaveLength(2);
    // Step 2 is due 24 h after step 1 went.
    expect(await run(25)).toMatchObject({ queued: 0 });
    await Promise.all([run(26), run(26)]);
    expect(await outboxOf(ids)).toHaveLength(4);

    // The buyer buys again: that chain stops (and the purchase starts a new one).
    await insertEvents(
      db.sql,
      [{ customerId: buyer.id, type: EventType.purchaseRecorded }],
      at(30),
    );
    expect(await run(74)).toMatchObject({ enrolled: 1, stopped: 1 });
    const rows = await outboxOf(ids);
    expect(rows.map((row) => row.dedupeKey.split(":").at(-1))).toEqual([
      "0",
      "0",
      "1",
      "1",
      "0",
      "2",
    ]);
    expect(rows.filter((row) => row.customerId === loyal.id).map((r) => r.payload)).toMatchObject([
      { owner: { text: { ru: "Спасибо за покупку, {first_name|друг}!" } } },
      { owner: { text: { ru: "Как вам покупка?" } } },
      { owner: { text: { ru: "Ждём снова", en: "Come again" } } },
    ]);
    expect(rows.every((row) => row.marketing && row.kind === "automation")).toBe(true);
    const enrolments = await db.prisma.dripEnrolment.findMany({
      where: { automationKey: "after_purchase" },
      orderBy: { startedAt: "asc" },
    });
    expect(
      enrolments.map((e) => [e.customerId === buyer.id ? "buyer" : "loyal", e.stopReason]),
    ).toEqual(
      expect.arrayContaining([
        ["buyer", "purchase.recorded"],
        ["loyal", "finished"],
        ["buyer", null],
      ]),
    );

    // Per-step statistics from the outbox rows (one was sent, one skipped by the dispatcher).
    await db.prisma.outboxMessage.updateMany({
      where: { dedupeKey: `automation:after_purchase:${loyal.id}:${enrolments[0]?.occasion}:0` },
      data: { status: "SENT" },
    });
    const loyalFirst = enrolments.find((e) => e.customerId === loyal.id);
    await db.prisma.outboxMessage.updateMany({
      where: { dedupeKey: `automation:after_purchase:${loyal.id}:${loyalFirst?.occasion}:1` },
      data: { status: "SKIPPED" },
    });
    const { stats } = await getAutomation(deps(), "after_purchase");
    expect(stats).toMatchObject({
      fired: 6,
      steps: [
        { step: 0, fired: 3 },
        { step: 1, fired: 2, skipped: 1 },
        { step: 2, fired: 1 },
      ],
      enrolments: { running: 1, finished: 1, stopped: 1 },
    });
    expect((stats.steps ?? []).reduce((sum, step) => sum + step.sent, 0)).toBeLessThanOrEqual(1);
  });
});

describe(`the built-in birthday and expiry warning on ${testDbKind}`, () => {
  const settings = LoyaltySettingsSchema.parse({
    birthday: { bonus: 300, daysBefore: 0, daysAfter: 0 },
    expiry: { kind: "after_days", days: 30 },
    expiryWarningDays: 7,
  });

  it("the birthday: off = neither bonus nor greeting; the owner's words with {bonus}", async () => {
    const off = await newCustomer({ birthday: [5, 10] });
    await change("birthday", { enabled: false });
    await creditBirthdayBonuses(db.sql, {
      settings,
      timeZone,
      now: new Date("2026-05-10T09:00:00Z"),
    });
    expect(await outboxOf([off.id])).toEqual([]);
    expect(await db.prisma.pointsEntry.count({ where: { customerId: off.id } })).toBe(0);

    await change("birthday", { enabled: true, text: "С днём рождения! Дарим {bonus} баллов 🎂" });
    const on = await newCustomer({ birthday: [5, 11] });
    const now = new Date("2026-05-11T09:00:00Z");
    await creditBirthdayBonuses(db.sql, { settings, timeZone, now });
    await creditBirthdayBonuses(db.sql, { settings, timeZone, now });
    expect(await outboxOf([on.id])).toMatchObject([
      {
        kind: "automation",
        dedupeKey: `birthday:${on.id}:2026`,
        payload: {
          automationKey: "birthday",
          owner: { text: { ru: "С днём рождения! Дарим {bonus} баллов 🎂" } },
          vars: { bonus: 300 },
        },
      },
    ]);
    await change("birthday", { text: null });
  });

  it("the expiry warning: the owner's words with the amount and the day; off warns nobody", async () => {
    const customer = await newCustomer();
    await postLedgerEntry(db.sql, {
      card: { id: customer.cardId },
      kind: "PURCHASE",
      delta: 80,
      idempotencyKey: `auto-expiry:${customer.id}`,
      now: new Date("2026-06-01T09:00:00Z"),
    });
    // Earned on 1 June, expires 1 July; warned 7 days before.
    const warnOn = new Date("2026-06-24T09:00:00Z");
    await change("expiry_warning", { enabled: false });
    await warnAboutExpiringPoints(db.sql, { settings, timeZone, now: warnOn });
    expect(await outboxOf([customer.id])).toEqual([]);

    await change("expiry_warning", {
      enabled: true,
      text: "{expiring_points} баллов сгорят {expiry_date}",
    });
    await warnAboutExpiringPoints(db.sql, { settings, timeZone, now: warnOn });
    await warnAboutExpiringPoints(db.sql, { settings, timeZone, now: warnOn });
    expect(await outboxOf([customer.id])).toMatchObject([
      {
        kind: "automation",
        service: true,
        dedupeKey: `expiry-warning:${customer.id}:2026-07-01`,
        payload: {
          automationKey: "expiry_warning",
          vars: { expiring_points: 80, expiry_date: "01.07.2026" },
        },
      },
    ]);
    await change("expiry_warning", { text: null });
  });
});

describe(`time zones on ${testDbKind}`, () => {
  it("knows Russian cities in both spellings", () => {
    expect(timeZoneOfCity("Москва")).toBe("Europe/Moscow");
    expect(timeZoneOfCity(" екатеринбург ")).toBe("Asia/Yekaterinburg");
    expect(timeZoneOfCity("г. Новосибирск")).toBe("Asia/Novosibirsk");
    expect(timeZoneOfCity("Vladivostok")).toBe("Asia/Vladivostok");
    expect(timeZoneOfCity("Ростов на Дону")).toBe("Europe/Moscow");
    expect(timeZoneOfCity("St. Petersburg")).toBe("Europe/Moscow");
    expect(timeZoneOfCity("Ростов-на-Дону")).toBe("Europe/Moscow");
    expect(timeZoneOfCity("Kaliningrad")).toBe("Europe/Kaliningrad");
    expect(timeZoneOfCity("Атлантида")).toBe(null);
  });

  it("a city answer sets the zone when none is set, in the same statement", async () => {
    const city = (await selectQuestions(db.sql)).find((q) => q.key === "city");
    if (!city) throw new Error("the generic pack has a city question");
    const answer = (customerId: string, value: string) =>
      saveAnswer(db.sql, {
        customerId,
        question: city,
        value,
        source: AnswerSource.profile,
        consentVersion: "1",
        now: NOW,
      });
    const fresh = await newCustomer();
    expect((await answer(fresh.id, "Екатеринбург")).timeZone).toBe("Asia/Yekaterinburg");
    const set = await newCustomer({ timeZone: "Asia/Omsk" });
    expect((await answer(set.id, "Москва")).timeZone).toBe("Asia/Omsk");
    const unknown = await newCustomer();
    const saved = await answer(unknown.id, "Атлантида");
    expect([saved.city, saved.timeZone]).toEqual(["Атлантида", null]);
  });
});
