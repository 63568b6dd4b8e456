import { Api } from "grammy";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startDispatcher } from "../../bot/dispatcher.ts";
import { createBotApiFetch } from "../../bot/http-client.ts";
import { createI18n } from "../../bot/i18n.ts";
import { parseConfig } from "../../config.ts";
import type { MessageSpec } from "../../core/campaigns/message.ts";
import { openDatabase } from "../../core/db/database.ts";
import { silentLogger } from "../../core/logger.ts";
import type { RecordedCall } from "../../emulator/index.ts";
import { type BotHarness, startBotHarness, TEST_BOT_TOKEN } from "../support/bot-harness.ts";
import {
  type CampaignSeed,
  insertCampaign,
  insertDeliveries,
  insertMessageChange,
  insertRecipients,
  type Recipient,
} from "../support/campaign-rows.ts";
import { testDbKind } from "../support/database.ts";

/** The dispatcher's clock: real time plus an offset a test may move (retries are 30 s away). */
let clockOffsetMs = 0;
const dispatcherClock = { now: () => new Date(Date.now() + clockOffsetMs) };

let nextTelegramId = 710_000;
const RATE = 20;

/** The card number the helper gives a recipient, as messages show it. */
const grouped = (telegramId: number) =>
  String(telegramId)
    .padStart(12, "0")
    .replace(/(\d{4})(?=\d)/g, "$1 ");

type Person = { telegramId: number; customerId: string };
/** The first few are always there: tests destructure them. */
type People = Person[] & { [K in 0 | 1 | 2 | 3 | 4 | 5]: Person };

type Row = {
  id: bigint;
  customerId: string;
  status: string;
  lastError: string | null;
  attempts: number;
  reclaims: number;
  telegramMessageId: number | null;
  telegramId: string;
};

describe(`campaign dispatch on ${testDbKind}`, () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({
      env: { OUTBOX_RATE: String(RATE) },
      dispatcher: dispatcherClock,
    });
  });
  afterEach(() => {
    h.emulator.clearFaults();
    h.emulator.setRateLimit(null);
    clockOffsetMs = 0;
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Customers whose chats with the bot exist; their Telegram ids and customer ids. */
  async function recipients(
    count: number,
    each: (i: number) => Partial<Recipient> = () => ({}),
  ): Promise<People> {
    const seeds = Array.from({ length: count }, (_, i) => ({
      telegramId: nextTelegramId++,
      ...each(i),
    }));
    h.emulator.openChats(
      seeds.map((s) => ({
        id: s.telegramId,
        first_name: s.telegramFirstName ?? "Аня",
        language_code: s.telegramLanguage ?? "ru",
      })),
    );
    const ids = await insertRecipients(h.db.sql, seeds);
    return seeds.map((s, i) => ({
      telegramId: s.telegramId,
      customerId: ids[i] as string,
    })) as People;
  }

  /** A campaign (PAUSED while its rows are written, then as asked) with a row per customer. */
  async function campaign(
    seed: CampaignSeed,
    to: Array<{ customerId: string }>,
    options: { variants?: string[]; kind?: "campaign" | "campaign_test" } = {},
  ) {
    const status = seed.status ?? "SENDING";
    const id = await insertCampaign(h.db.sql, { ...seed, status: "PAUSED" });
    await insertDeliveries(h.db.sql, {
      campaignId: id,
      customerIds: to.map((r) => r.customerId),
      ...(options.variants ? { variants: options.variants } : {}),
      ...(options.kind ? { kind: options.kind } : {}),
    });
    if (status !== "PAUSED") await setStatus(id, status);
    return id;
  }

  const setStatus = (id: string, status: string) =>
    h.db.sql.query(`UPDATE "Campaign" SET "status" = $2::"CampaignStatus" WHERE "id" = $1`, [
      id,
      status,
    ]);

  const rowsOf = (campaignId: string) =>
    h.db.sql.query<Row>(
      `SELECT o."id", o."customerId", o."status"::text AS "status", o."lastError", o."attempts",
              o."reclaims", o."telegramMessageId", c."telegramId"::text AS "telegramId"
       FROM "OutboxMessage" o JOIN "Customer" c ON c."id" = o."customerId"
       WHERE o."campaignId" = $1 AND o."kind" <> 'campaign_change' ORDER BY c."telegramId"`,
      [campaignId],
    );

  const campaignRow = async (id: string) =>
    (
      await h.db.sql.query<{
        status: string;
        photoFileId: string | null;
        lastError: string | null;
        finishedAt: Date | null;
      }>(
        `SELECT "status"::text AS "status", "photoFileId", "lastError", "finishedAt"
         FROM "Campaign" WHERE "id" = $1`,
        [id],
      )
    )[0];

  async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const settled = (campaignId: string) => async () =>
    (await rowsOf(campaignId)).every((r) => r.status !== "PENDING" && r.status !== "SENDING");

  /** The last row's outcome and the campaign's SENT are two statements: wait for the second. */
  const becomesSent = (campaignId: string) =>
    until(
      async () => (await campaignRow(campaignId))?.status === "SENT",
      "the campaign to be SENT",
    );

  const callsTo = (chatId: number, method = "sendMessage"): RecordedCall[] =>
    h.emulator.callsOf(method).filter((c) => Number(c.params.chat_id) === chatId);

  const lastMessage = (chatId: number) =>
    h.emulator.user({ id: chatId, first_name: "Аня" }).lastMessage();

  const text = (ru: string, en?: string): MessageSpec["text"] => (en ? { ru, en } : { ru });

  it("fills placeholders per recipient, with fallbacks, HTML escaping and their language", async () => {
    const [anna, bob, nobody] = await recipients(
      3,
      (i) =>
        [
          {
            name: "Анна Петрова",
            balance: 250,
            tier: "silver",
            city: "Казань",
            attributes: { pet_species: "кот" },
          },
          { name: null, telegramFirstName: "<Bob & Co>", telegramLanguage: "en", balance: 0 },
          { name: null, telegramFirstName: null, language: "en", tier: "gold" },
        ][i] ?? {},
    );
    const id = await campaign(
      {
        message: {
          text: text(
            "<b>{first_name|друг}</b>, у вас {points} баллов ({tier}), карта {card}, {city|город не указан}, {pet_species|—}",
            "<b>{first_name|friend}</b>: {points} points, {tier}, {city|no city}",
          ),
          parseMode: "HTML",
        },
      },
      [anna, bob, nobody],
    );
    await until(settled(id), "the campaign to go");
    const [toAnna] = callsTo(anna.telegramId);
    expect(toAnna?.params.parse_mode).toBe("HTML");
    expect(lastMessage(anna.telegramId)?.text).toBe(
      `Анна, у вас 250 баллов (Серебряный), карта ${grouped(anna.telegramId)}, Казань, кот`,
    );
    // A value is escaped for HTML: the customer sees it as typed, and it is not markup.
    expect(String(callsTo(bob.telegramId)[0]?.params.text)).toContain(
      "<b>&lt;Bob &amp; Co&gt;</b>",
    );
    expect(lastMessage(bob.telegramId)?.text).toBe("<Bob & Co>: 0 points, Base, no city");
    expect(lastMessage(nobody.telegramId)?.text).toBe("friend: 150 points, Gold, no city");
    expect((await rowsOf(id)).map((r) => r.status)).toEqual(["SENT", "SENT", "SENT"]);
    await becomesSent(id);
    expect((await campaignRow(id))?.finishedAt).toBeInstanceOf(Date);
  });

  it("fills an automation's own occasion values next to the recipient's", async () => {
    const [vera] = await recipients(1, () => ({ name: "Вера Орлова", balance: 40 }));
    await h.db.sql.query(
      `INSERT INTO "OutboxMessage" ("kind", "customerId", "payload", "service", "dedupeKey", "marketing")
       VALUES ('automation', $1, $2::jsonb, false, $3, true)`,
      [
        vera.customerId,
        JSON.stringify({
          automationKey: "winback",
          owner: {
            text: { ru: "{first_name}, дарим {bonus} баллов до {bonus_until|скорого}!" },
            buttons: [],
            photoUrl: null,
            parseMode: null,
          },
          vars: { bonus: 150, bonus_until: "31.12.2026" },
        }),
        `automation:winback:${vera.customerId}:test`,
      ],
    );
    await until(() => callsTo(vera.telegramId).length > 0, "the automation's message");
    expect(lastMessage(vera.telegramId)?.text).toBe("Вера, дарим 150 баллов до 31.12.2026!");
  });

  it("sends each recipient their variant's text", async () => {
    const people = await recipients(4);
    const id = await campaign(
      {
        message: { text: text("Основной текст") },
        variants: [
          { key: "A", share: 50, text: text("Вариант А для {first_name}") },
          { key: "B", share: 50, text: text("Вариант Б") },
        ],
      },
      people,
      { variants: ["A", "B"] },
    );
    await until(settled(id), "the campaign to go");
    const seen = people.map((p) => lastMessage(p.telegramId)?.text);
    expect(seen.sort()).toEqual([
      "Вариант А для Анна",
      "Вариант А для Анна",
      "Вариант Б",
      "Вариант Б",
    ]);
  });

  it("uploads the photo once and sends its file_id to the others", async () => {
    const people = await recipients(3);
    const id = await campaign(
      { message: { text: text("Новинка!"), photoUrl: "https://shop.example/new.png" } },
      people,
    );
    await until(settled(id), "the campaign to go");
    const calls = people.map((p) => callsTo(p.telegramId, "sendPhoto")[0]);
    const stored = await campaignRow(id);
    expect(stored?.photoFileId).toBeTruthy();
    // Whoever went first uploaded it from the URL; the others got the file_id.
    expect(calls.map((c) => c?.params.photo).sort()).toEqual(
      ["https://shop.example/new.png", stored?.photoFileId, stored?.photoFileId].sort(),
    );
    const [first] = [...calls].sort((a, b) => (a?.at.getTime() ?? 0) - (b?.at.getTime() ?? 0));
    expect(first?.params.photo).toBe("https://shop.example/new.png");
    expect(people.map((p) => lastMessage(p.telegramId)?.caption)).toEqual([
      "Новинка!",
      "Новинка!",
      "Новинка!",
    ]);
  });

  it("pauses the campaign when Telegram cannot fetch its photo, and gives the rows back", async () => {
    const people = await recipients(5);
    const id = await campaign(
      { message: { text: text("Акция"), photoUrl: "https://cdn.broken.invalid/a.png" } },
      people,
    );
    await until(async () => (await campaignRow(id))?.status === "PAUSED", "the campaign to pause");
    const stored = await campaignRow(id);
    expect(stored?.lastError).toBe("photo: Bad Request: failed to get HTTP URL content");
    await until(
      async () => (await rowsOf(id)).every((r) => r.status === "PENDING"),
      "the rows to be given back",
    );
    const rows = await rowsOf(id);
    expect(rows.map((r) => r.attempts)).toEqual([0, 0, 0, 0, 0]);
    // Only the first row tried the photo: the rest never went.
    expect(people.flatMap((p) => callsTo(p.telegramId, "sendPhoto"))).toHaveLength(1);
  });

  it("puts url and callback buttons one per row, and Unsubscribe under an offer", async () => {
    const [offer, service] = await recipients(2);
    const buttons: MessageSpec["buttons"] = [
      { text: text("Сайт", "Website"), url: "https://shop.example/sale" },
      { text: text("Хочу!"), action: "ok" },
    ];
    const id = await campaign({ message: { text: text("Скидки"), buttons } }, [offer]);
    const news = await campaign({ message: { text: text("Новости"), buttons }, marketing: false }, [
      service,
    ]);
    // Marketing is the row's mark (launch copies the campaign's).
    await h.db.sql.query(`UPDATE "OutboxMessage" SET "marketing" = false WHERE "campaignId" = $1`, [
      news,
    ]);
    await until(async () => (await settled(id)()) && (await settled(news)()), "both to go");
    const [row] = await rowsOf(id);
    expect(lastMessage(offer.telegramId)?.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: "Сайт", url: "https://shop.example/sale" }],
        [{ text: "Хочу!", callback_data: `cmp:${row?.id}:1` }],
        [{ text: "Отписаться", callback_data: `unsub:${row?.id}` }],
      ],
    });
    const [newsRow] = await rowsOf(news);
    expect(lastMessage(service.telegramId)?.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: "Сайт", url: "https://shop.example/sale" }],
        [{ text: "Хочу!", callback_data: `cmp:${newsRow?.id}:1` }],
      ],
    });
  });

  it("points url buttons at the click-counting redirect when a public URL is set", async () => {
    const [person] = await recipients(1);
    const id = await campaign(
      {
        message: {
          text: text("Скидки"),
          buttons: [{ text: text("Сайт"), url: "https://x.example" }],
        },
        status: "PAUSED",
      },
      [person],
    );
    // Only a dispatcher that knows the public URL may send it: the app's rests meanwhile.
    await h.app.dispatcher.stop();
    const { dispatcher, close } = await secondDispatcher({
      publicUrl: "https://bot.shop.example/",
    });
    try {
      await setStatus(id, "SENDING");
      await until(settled(id), "the campaign to go");
    } finally {
      await dispatcher.stop();
      await close();
      await h.restart();
    }
    const [row] = await rowsOf(id);
    expect(lastMessage(person.telegramId)?.reply_markup).toMatchObject({
      inline_keyboard: [[{ text: "Сайт", url: `https://bot.shop.example/r/${row?.id}/0` }], [{}]],
    });
  });

  it("checks consent, status and reachability again as each message goes", async () => {
    const people = await recipients(5);
    const id = await campaign({ message: { text: text("Предложение") }, status: "PAUSED" }, people);
    // After launch: one withdrew consent, one deleted their data, one became unreachable.
    const [, withdrew, deleted, gone] = people;
    await h.db.sql.query(`UPDATE "Customer" SET "marketingConsent" = false WHERE "id" = $1`, [
      withdrew.customerId,
    ]);
    await h.db.sql.query(`UPDATE "Customer" SET "status" = 'DELETED' WHERE "id" = $1`, [
      deleted.customerId,
    ]);
    await h.db.sql.query(`UPDATE "Customer" SET "reachable" = false WHERE "id" = $1`, [
      gone.customerId,
    ]);
    await setStatus(id, "SENDING");
    await until(settled(id), "the campaign to go");
    expect((await rowsOf(id)).map((r) => [r.status, r.lastError])).toEqual([
      ["SENT", null],
      ["SKIPPED", "no marketing consent"],
      ["SKIPPED", "not an active customer"],
      ["SKIPPED", "unreachable"],
      ["SENT", null],
    ]);
    for (const skipped of [withdrew, deleted, gone]) {
      expect(callsTo(skipped.telegramId)).toHaveLength(0);
    }
    await becomesSent(id);
  });

  it("skips a customer who had a marketing message within the frequency cap", async () => {
    const [recent, earlier] = await recipients(2);
    // Sent 47 h ago (inside the default 48 h) to one, 49 h ago to the other.
    for (const [who, hours] of [
      [recent, 47],
      [earlier, 49],
    ] as const) {
      await h.db.sql.query(
        `INSERT INTO "OutboxMessage" ("kind", "customerId", "payload", "dedupeKey", "marketing",
                                      "status", "sentAt", "notBefore")
         VALUES ('campaign', $1, '{}', $2, true, 'SENT', $3, $3)`,
        [who.customerId, `old:${who.customerId}`, new Date(Date.now() - hours * 3_600_000)],
      );
    }
    const id = await campaign({ message: { text: text("Ещё акция") } }, [recent, earlier]);
    await until(settled(id), "the campaign to go");
    expect((await rowsOf(id)).map((r) => [r.status, r.lastError])).toEqual([
      ["SKIPPED", "frequency cap"],
      ["SENT", null],
    ]);
  });

  it("leaves a paused campaign's rows alone until it resumes; test sends go anyway", async () => {
    const people = await recipients(3);
    const [tester] = await recipients(1);
    const id = await campaign({ message: { text: text("Позже") }, status: "PAUSED" }, people);
    await insertDeliveries(h.db.sql, {
      campaignId: id,
      customerIds: [tester.customerId],
      kind: "campaign_test",
    });
    await until(() => callsTo(tester.telegramId).length === 1, "the test send");
    await new Promise((r) => setTimeout(r, 300));
    expect(people.flatMap((p) => callsTo(p.telegramId))).toHaveLength(0);
    expect(lastMessage(tester.telegramId)?.text).toBe("Позже");
    await setStatus(id, "SENDING");
    await until(settled(id), "the campaign to resume");
    expect(people.map((p) => h.emulator.sentCount(p.telegramId))).toEqual([1, 1, 1]);
    await becomesSent(id);
  });

  it("stops a cancelled campaign within a second, rows already claimed included", async () => {
    const people = await recipients(60);
    const id = await campaign({ message: { text: text("Долгая рассылка") } }, people);
    await until(() => people.some((p) => h.emulator.sentCount(p.telegramId) > 0), "sending");
    await new Promise((r) => setTimeout(r, 300));
    // What the campaign core does on cancel: the status, and its pending rows CANCELLED.
    const cancelledAt = Date.now();
    await setStatus(id, "CANCELLED");
    await h.db.sql.query(
      `UPDATE "OutboxMessage" SET "status" = 'CANCELLED' WHERE "campaignId" = $1 AND "status" = 'PENDING'`,
      [id],
    );
    await until(settled(id), "the rows to settle", 3000);
    await new Promise((r) => setTimeout(r, 500));
    const sends = people.flatMap((p) => callsTo(p.telegramId));
    expect(sends.length).toBeGreaterThan(0);
    expect(sends.length).toBeLessThan(60);
    expect(sends.filter((c) => c.at.getTime() > cancelledAt + 1000)).toEqual([]);
    const statuses = new Set((await rowsOf(id)).map((r) => r.status));
    expect([...statuses].sort()).toEqual(["CANCELLED", "SENT"]);
    expect((await campaignRow(id))?.status).toBe("CANCELLED");
  });

  it("waits out 429 storms for everyone: nothing lost, nothing twice", async () => {
    const people = await recipients(12);
    h.emulator.setRateLimit({ perSecond: 4 });
    const id = await campaign({ message: { text: text("Шторм") } }, people);
    await until(settled(id), "the campaign to go", 20_000);
    expect(people.map((p) => h.emulator.sentCount(p.telegramId))).toEqual(people.map(() => 1));
    const calls = people
      .flatMap((p) => callsTo(p.telegramId))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    const refused = calls.filter((c) => c.fault === "429");
    expect(refused.length).toBeGreaterThan(0);
    // After a 429 nothing is sent for its retry_after (1 s here).
    for (const no of refused) {
      const retryAfter = (no.response as { parameters?: { retry_after?: number } }).parameters
        ?.retry_after as number;
      const tooSoon = calls.filter(
        (c) =>
          c.at.getTime() > no.at.getTime() + 20 &&
          c.at.getTime() < no.at.getTime() + retryAfter * 1000 - 50,
      );
      expect(tooSoon).toEqual([]);
    }
    const rows = await rowsOf(id);
    expect(rows.every((r) => r.status === "SENT" && r.attempts === 1)).toBe(true);
  });

  it("retries 5xx bursts, timeouts and dropped connections with backoff; none lost", async () => {
    const people = await recipients(6);
    h.emulator.injectFault({ kind: "502", method: "sendMessage", times: 2 });
    h.emulator.injectFault({ kind: "500", method: "sendMessage", times: 1 });
    h.emulator.injectFault({ kind: "timeout", method: "sendMessage", latencyMs: 100, times: 1 });
    h.emulator.injectFault({ kind: "reset", method: "sendMessage", times: 1 });
    const id = await campaign({ message: { text: text("Сбои") } }, people);
    await until(
      async () => (await rowsOf(id)).filter((r) => r.status === "SENT").length === 1,
      "the first attempts",
    );
    const waiting = (await rowsOf(id)).filter((r) => r.status === "PENDING");
    expect(waiting).toHaveLength(5);
    expect(waiting.every((r) => r.lastError !== null && r.attempts === 1)).toBe(true);
    // The retries are due in 30 s: the dispatcher's clock jumps there.
    clockOffsetMs = 31_000;
    await until(settled(id), "the retries");
    expect(people.map((p) => h.emulator.sentCount(p.telegramId))).toEqual(people.map(() => 1));
    expect((await rowsOf(id)).every((r) => r.status === "SENT")).toBe(true);
    await becomesSent(id);
  });

  it("goes on when a customer blocks the bot halfway; they count as blocked", async () => {
    const people = await recipients(6);
    const blocker = people[3];
    h.emulator.injectFault({ kind: "403", chatId: blocker.telegramId, times: Infinity });
    const id = await campaign({ message: { text: text("Привет") } }, people);
    await until(settled(id), "the campaign to go");
    const rows = await rowsOf(id);
    expect(rows.map((r) => r.status)).toEqual(["SENT", "SENT", "SENT", "BLOCKED", "SENT", "SENT"]);
    expect(rows[3]?.lastError).toContain("blocked");
    const [customer] = await h.db.sql.query<{ reachable: boolean }>(
      `SELECT "reachable" FROM "Customer" WHERE "id" = $1`,
      [blocker.customerId],
    );
    expect(customer?.reachable).toBe(false);
    await becomesSent(id);
  });

  it("counts a claim taken again after its dispatcher died", async () => {
    const [person] = await recipients(1);
    const id = await campaign({ message: { text: text("Снова") }, status: "PAUSED" }, [person]);
    await h.db.sql.query(
      `UPDATE "OutboxMessage" SET "status" = 'SENDING', "attempts" = 1,
              "claimedUntil" = (now() AT TIME ZONE 'UTC') - interval '1 second'
       WHERE "campaignId" = $1`,
      [id],
    );
    await setStatus(id, "SENDING");
    await until(settled(id), "the orphan to go");
    expect((await rowsOf(id)).map((r) => [r.status, r.reclaims])).toEqual([["SENT", 1]]);
  });

  it("shares a campaign between two dispatchers on one database without duplicates", async () => {
    const people = await recipients(40);
    const id = await campaign({ message: { text: text("Вдвоём") }, status: "PAUSED" }, people);
    const { dispatcher, close } = await secondDispatcher();
    try {
      await setStatus(id, "SENDING");
      await until(settled(id), "both dispatchers to send it", 20_000);
    } finally {
      await dispatcher.stop();
      await close();
    }
    expect(people.map((p) => h.emulator.sentCount(p.telegramId))).toEqual(people.map(() => 1));
    const rows = await rowsOf(id);
    expect(rows.every((r) => r.status === "SENT" && r.reclaims === 0)).toBe(true);
    await becomesSent(id);
  });

  it("deletes and edits messages already sent; too old is FAILED with Telegram's reason", async () => {
    const people = await recipients(4);
    const id = await campaign({ message: { text: text("Было так") }, status: "SENDING" }, people);
    await until(settled(id), "the campaign to go");
    const rows = await rowsOf(id);
    await h.db.sql.query(
      `UPDATE "Campaign" SET "message" = jsonb_set("message", '{text}', '{"ru":"Стало так, {first_name}"}')
       WHERE "id" = $1`,
      [id],
    );
    const [first, second, third, fourth] = rows as Row[] & { [K in 0 | 1 | 2 | 3]: Row };
    h.emulator.injectFault({
      kind: "400",
      method: "deleteMessage",
      chatId: Number(third.telegramId),
      description: "message can't be deleted for everyone",
    });
    h.emulator.injectFault({
      kind: "400",
      method: "editMessageText",
      chatId: Number(fourth.telegramId),
      description: "message can't be edited",
    });
    await insertMessageChange(h.db.sql, { deliveryId: first.id, change: "delete" });
    await insertMessageChange(h.db.sql, { deliveryId: second.id, change: "edit" });
    await insertMessageChange(h.db.sql, { deliveryId: third.id, change: "delete" });
    await insertMessageChange(h.db.sql, { deliveryId: fourth.id, change: "edit" });
    const changes = () =>
      h.db.sql.query<{ customerId: string; status: string; lastError: string | null }>(
        `SELECT "customerId", "status"::text AS "status", "lastError" FROM "OutboxMessage"
         WHERE "campaignId" = $1 AND "kind" = 'campaign_change'`,
        [id],
      );
    await until(
      async () => (await changes()).every((c) => c.status !== "PENDING" && c.status !== "SENDING"),
      "the changes",
    );
    const byCustomer = new Map((await changes()).map((c) => [c.customerId, c]));
    expect(byCustomer.get(first.customerId)?.status).toBe("SENT");
    expect(lastMessage(Number(first.telegramId))).toBeUndefined();
    expect(byCustomer.get(second.customerId)?.status).toBe("SENT");
    expect(lastMessage(Number(second.telegramId))).toMatchObject({
      text: "Стало так, Анна",
      edited: true,
    });
    expect(byCustomer.get(third.customerId)).toMatchObject({
      status: "FAILED",
      lastError: "Bad Request: message can't be deleted for everyone",
    });
    expect(byCustomer.get(fourth.customerId)).toMatchObject({
      status: "FAILED",
      lastError: "Bad Request: message can't be edited",
    });
    expect(lastMessage(Number(fourth.telegramId))?.text).toBe("Было так");
  });

  /** Another process's dispatcher: its own connections (on PostgreSQL) and HTTP client. */
  async function secondDispatcher(extra: { publicUrl?: string } = {}) {
    const second = h.db.url
      ? await openDatabase({ kind: "postgres", url: h.db.url, poolSize: 3 })
      : undefined;
    const httpClient = createBotApiFetch({
      attempts: 0,
      maxRetryAfterSeconds: 0,
      firstBackoffMs: 0,
    });
    const i18n = createI18n("ru");
    const dispatcher = startDispatcher({
      sql: second?.sql ?? h.db.sql,
      api: new Api(TEST_BOT_TOKEN, { apiRoot: h.app.apiRoot, fetch: httpClient.fetch }),
      translate: (locale, key, vars) => i18n.t(locale, key, vars),
      config: { ...parseConfig({ OUTBOX_RATE: String(RATE), QUIET_HOURS: "off" }), ...extra },
      logger: silentLogger(),
      pollMs: 10,
      now: dispatcherClock.now,
    });
    return {
      dispatcher,
      async close() {
        await httpClient.close();
        await second?.close();
      },
    };
  }
});
