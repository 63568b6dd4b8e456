import { Api } from "grammy";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startDispatcher } from "../../bot/dispatcher.ts";
import { createBotApiFetch } from "../../bot/http-client.ts";
import { createI18n } from "../../bot/i18n.ts";
import { parseConfig } from "../../config.ts";
import { openDatabase } from "../../core/db/database.ts";
import { silentLogger } from "../../core/logger.ts";
import { enqueueMessage } from "../../core/outbox/enqueue.ts";
import { OutboxKind } from "../../core/outbox/message.ts";
import type { SimulatedUser } from "../../emulator/index.ts";
import { type BotHarness, startBotHarness, TEST_BOT_TOKEN } from "../support/bot-harness.ts";
import { customerOf, inlineButtons, onboardedUser as onboard } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";

/** The dispatcher's clock: real time plus an offset a test may move. */
let clockOffsetMs = 0;
const dispatcherClock = { now: () => new Date(Date.now() + clockOffsetMs) };
afterEach(() => {
  clockOffsetMs = 0;
});

let nextId = 6100;
async function onboardedUser(
  h: BotHarness,
  language_code = "ru",
): Promise<{ user: SimulatedUser; id: string }> {
  const id = nextId++;
  const { user, customerId } = await onboard(h, {
    id,
    first_name: "Ося",
    language_code,
    phone_number: `+7995${String(id).padStart(7, "0")}`,
  });
  return { user, id: customerId };
}

let nextKey = 0;
function queue(
  h: BotHarness,
  customerId: string,
  options: { service?: boolean; count?: number; key?: string } = {},
) {
  return enqueueMessage(h.db.sql, {
    kind: OutboxKind.referralCredited,
    customerId,
    payload: { template: "referral-credited", vars: { count: options.count ?? 7 } },
    service: options.service ?? true,
    dedupeKey: options.key ?? `test:${nextKey++}`,
  });
}

const statusOf = async (h: BotHarness, dedupeKey: string) =>
  (await h.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey } })).status;

/** Waits until `check` holds (the dispatchers here look for work every 20 ms). */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const nothingDue = (h: BotHarness) => async () =>
  (await h.db.prisma.outboxMessage.count({
    where: { status: { in: ["PENDING", "SENDING"] } },
  })) === 0;

const sentTo = (h: BotHarness, chatId: number) =>
  h.emulator.callsOf("sendMessage").filter((c) => Number(c.params.chat_id) === chatId);

describe(`the outbox on ${testDbKind}`, () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { OUTBOX_RATE: "200" }, dispatcher: dispatcherClock });
  });
  afterEach(() => h.emulator.clearFaults());
  afterAll(async () => {
    await h?.close();
  });

  it("sends a queued message in the customer's language, once per key", async () => {
    const { user, id } = await onboardedUser(h, "en");
    expect(await queue(h, id, { key: "test:once" })).toBe(true);
    expect(await queue(h, id, { key: "test:once" })).toBe(false);
    await until(nothingDue(h), "the outbox to drain");
    const messages = user.messages().filter((m) => m.text?.startsWith("Your friend"));
    expect(messages.map((m) => m.text)).toEqual([
      "Your friend got their card — 7 points have been added to yours! 🎉",
    ]);
    const row = await h.db.prisma.outboxMessage.findUniqueOrThrow({
      where: { dedupeKey: "test:once" },
    });
    expect(row).toMatchObject({ status: "SENT", attempts: 1 });
    expect(row.telegramMessageId).toBe(messages[0]?.message_id);
  });

  it("sends the owner's words and the buttons in the customer's language", async () => {
    const { user: english, id: englishId } = await onboardedUser(h, "en");
    const { user: russian, id: russianId } = await onboardedUser(h, "ru");
    const question = { ru: "Кто у вас живёт?", en: "Who lives with you?" };
    for (const customerId of [englishId, russianId]) {
      await enqueueMessage(h.db.sql, {
        kind: OutboxKind.question,
        customerId,
        payload: {
          template: "question-single_choice",
          vars: { progress: "" },
          localized: { question },
          buttons: [
            [{ label: { ru: "Собака", en: "Dog" }, data: "q:tok:a:0" }],
            [{ label: { ru: "Попугай" }, data: "q:tok:a:1", checked: true }],
            [{ template: "btn-question-later", data: "q:tok:l" }],
          ],
        },
        service: false,
        dedupeKey: `test:buttons:${customerId}`,
      });
    }
    await until(nothingDue(h), "the outbox to drain");
    const last = (user: SimulatedUser) => user.messages().at(-1);
    expect(last(english)?.text).toBe("Who lives with you?");
    expect(inlineButtons(last(english)).map((b) => b.text)).toEqual([
      "Dog",
      "✅ Попугай",
      "Ask me later",
    ]);
    expect(last(russian)?.text).toBe("Кто у вас живёт?");
    expect(inlineButtons(last(russian)).map((b) => b.text)).toEqual([
      "Собака",
      "✅ Попугай",
      "Спросите позже",
    ]);
  });

  it("waits out a storm of 429s for everyone, then sends each message once", async () => {
    const { user, id } = await onboardedUser(h);
    h.emulator.injectFault({
      kind: "429",
      method: "sendMessage",
      chatId: user.id,
      retryAfter: 1,
      times: 3,
    });
    const started = Date.now();
    for (let i = 1; i <= 3; i++) await queue(h, id, { count: i });
    await until(nothingDue(h), "the outbox to drain");
    const calls = sentTo(h, user.id).filter((c) => String(c.params.text).startsWith("Ваш друг"));
    expect(calls.filter((c) => c.fault === "429")).toHaveLength(3);
    expect(
      calls
        .filter((c) => c.ok)
        .map((c) => String(c.params.text))
        .sort(),
    ).toEqual([
      "Ваш друг оформил карту — вам начислено 1 балл! 🎉",
      "Ваш друг оформил карту — вам начислено 2 балла! 🎉",
      "Ваш друг оформил карту — вам начислено 3 балла! 🎉",
    ]);
    // Each 429 paused all sending for its retry_after: three of them took three seconds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
  });

  it("marks the customer unreachable when Telegram says the bot was blocked", async () => {
    const { user, id } = await onboardedUser(h);
    h.emulator.injectFault({ kind: "403", method: "sendMessage", chatId: user.id });
    await queue(h, id, { key: "test:blocked" });
    await until(nothingDue(h), "the outbox to drain");
    const row = await h.db.prisma.outboxMessage.findUniqueOrThrow({
      where: { dedupeKey: "test:blocked" },
    });
    expect(row.status).toBe("BLOCKED");
    expect(row.lastError).toContain("blocked");
    expect((await customerOf(h.db, user))?.reachable).toBe(false);
    // Later messages to them are not even tried.
    const before = sentTo(h, user.id).length;
    await queue(h, id, { key: "test:blocked-later" });
    await until(nothingDue(h), "the outbox to drain");
    expect(sentTo(h, user.id)).toHaveLength(before);
    expect(await statusOf(h, "test:blocked-later")).toBe("BLOCKED");
  });

  it("retries a passing failure later and gives up on a message Telegram refuses", async () => {
    const { user, id } = await onboardedUser(h);
    h.emulator.injectFault({ kind: "502", method: "sendMessage", chatId: user.id });
    await queue(h, id, { key: "test:retry" });
    const row = () =>
      h.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: "test:retry" } });
    await until(async () => (await row()).lastError !== null, "the first attempt");
    const waiting = await row();
    expect(waiting).toMatchObject({ status: "PENDING", attempts: 1 });
    expect(waiting.lastError).toContain("Bad Gateway");
    // The retry is due in 30 s; the dispatcher's clock jumps there.
    clockOffsetMs = 31_000;
    await until(async () => (await statusOf(h, "test:retry")) === "SENT", "the retry");

    await enqueueMessage(h.db.sql, {
      kind: OutboxKind.referralCredited,
      customerId: id,
      payload: { template: "referral-credited", vars: { count: "x".repeat(5000) } },
      service: true,
      dedupeKey: "test:too-long",
    });
    await until(async () => (await statusOf(h, "test:too-long")) === "FAILED", "a refusal");
  });

  it("loses nothing over a restart", async () => {
    const { user, id } = await onboardedUser(h);
    const told = user.waitForMessage((m) => m.text?.includes("9 баллов") ?? false, {
      timeoutMs: 10_000,
    });
    // Due in a second: the app stops before it is sent and the next one sends it.
    await enqueueMessage(h.db.sql, {
      kind: OutboxKind.referralCredited,
      customerId: id,
      payload: { template: "referral-credited", vars: { count: 9 } },
      service: true,
      dedupeKey: "test:restart",
      notBefore: new Date(Date.now() + 1_000),
    });
    await h.restart();
    await told;
    await until(async () => (await statusOf(h, "test:restart")) === "SENT", "the record");
  });

  it("takes over what a dispatcher that died had claimed, once its claim runs out", async () => {
    const { user, id } = await onboardedUser(h);
    // As a process killed mid-batch leaves a row: claimed, never finished, the claim over.
    await h.db.prisma.outboxMessage.create({
      data: {
        kind: OutboxKind.referralCredited,
        customerId: id,
        payload: { template: "referral-credited", vars: { count: 5 } },
        service: true,
        dedupeKey: "test:orphan",
        status: "SENDING",
        attempts: 1,
        claimedUntil: new Date(Date.now() - 1_000),
      },
    });
    await until(async () => (await statusOf(h, "test:orphan")) === "SENT", "the orphan");
    expect(user.messages().filter((m) => m.text?.includes("5 баллов"))).toHaveLength(1);
  });

  it("shares the work between two dispatchers without sending anything twice", async () => {
    const customers = await Promise.all([0, 1, 2].map(() => onboardedUser(h)));
    // A second process: its own connections to the same database, its own HTTP client.
    const second = h.db.url
      ? await openDatabase({ kind: "postgres", url: h.db.url, poolSize: 3 })
      : undefined;
    const httpClient = createBotApiFetch({
      attempts: 0,
      maxRetryAfterSeconds: 0,
      firstBackoffMs: 0,
    });
    const i18n = createI18n("ru");
    const other = startDispatcher({
      sql: second?.sql ?? h.db.sql,
      api: new Api(TEST_BOT_TOKEN, { apiRoot: h.app.apiRoot, fetch: httpClient.fetch }),
      translate: (locale, key, vars) => i18n.t(locale, key, vars),
      config: parseConfig({ OUTBOX_RATE: "200", QUIET_HOURS: "off" }),
      logger: silentLogger(),
      pollMs: 10,
    });
    try {
      const keys: string[] = [];
      for (let n = 0; n < 60; n++) {
        const key = `test:shared:${n}`;
        keys.push(key);
        const customer = customers[n % 3];
        if (customer) await queue(h, customer.id, { key, count: 100 + n });
      }
      await until(nothingDue(h), "both dispatchers to drain the outbox");
      const texts = customers.flatMap(({ user }) =>
        sentTo(h, user.id)
          .filter((c) => c.ok && /^Ваш друг.* 1\d\d балл/.test(String(c.params.text)))
          .map((c) => String(c.params.text)),
      );
      expect(texts).toHaveLength(60);
      expect(new Set(texts).size).toBe(60);
    } finally {
      await other.stop();
      await httpClient.close();
      await second?.close();
    }
  });
});

describe(`the outbox's quiet hours and daily cap on ${testDbKind}`, () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({
      env: { QUIET_HOURS: "00:00-06:00", TIME_ZONE: "UTC", CUSTOMER_DAILY_MESSAGES: "1" },
      dispatcher: dispatcherClock,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("holds offers and reminders in quiet hours and past the cap; service messages go", async () => {
    const { id } = await onboardedUser(h);
    // The dispatcher's clock at 02:00 UTC, in the middle of quiet hours.
    const today = new Date();
    const at = (hours: number) =>
      Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1, hours) -
      Date.now();
    clockOffsetMs = at(2);
    await queue(h, id, { key: "quiet:offer", service: false });
    await queue(h, id, { key: "quiet:offer-2", service: false });
    await queue(h, id, { key: "quiet:receipt", service: true });
    await until(async () => (await statusOf(h, "quiet:receipt")) === "SENT", "the receipt");
    // Several more rounds of the dispatcher pass; the offers still wait.
    await new Promise((r) => setTimeout(r, 200));
    expect(await statusOf(h, "quiet:offer")).toBe("PENDING");
    expect(await statusOf(h, "quiet:offer-2")).toBe("PENDING");

    // 07:00: one offer goes; the second waits for the next day (one a day).
    clockOffsetMs = at(7);
    await until(async () => (await statusOf(h, "quiet:offer")) === "SENT", "the first offer");
    await new Promise((r) => setTimeout(r, 200));
    expect(await statusOf(h, "quiet:offer-2")).toBe("PENDING");
    clockOffsetMs = at(7 + 25);
    await until(async () => (await statusOf(h, "quiet:offer-2")) === "SENT", "the second offer");
  });
});
