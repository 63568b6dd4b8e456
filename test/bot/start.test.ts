import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { testDbKind } from "../support/database.ts";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => {
  await h?.close();
});

describe(`/start on ${testDbKind}`, () => {
  it("greets a new customer in Russian and records where they came from", async () => {
    const alice = h.user({ id: 1001, first_name: "Алиса", language_code: "ru" });
    await alice.sendCommand("/start", "src_instagram");

    const texts = alice.messages().map((m) => m.text ?? "");
    expect(texts[0]).toContain("программа лояльности «Aurora»");
    expect(texts[1]).toContain("согласие на обработку персональных данных");
    const customer = await h.db.prisma.customer.findUniqueOrThrow({ where: { telegramId: 1001n } });
    expect(customer).toMatchObject({
      source: "instagram",
      status: "ONBOARDING",
      telegramLanguage: "ru",
    });
    // Before consent nothing personal is kept, not even the Telegram name.
    expect(customer.telegramFirstName).toBeNull();
    const events = await h.db.prisma.customerEvent.findMany({ where: { customerId: customer.id } });
    expect(events.map((e) => e.type)).toEqual(["bot.started"]);
  });

  it("asks Telegram for block/unblock updates and registers its command menu", async () => {
    const webhook = h.emulator.callsOf("setWebhook").at(-1);
    expect(webhook?.params.allowed_updates).toEqual([
      "message",
      "callback_query",
      "my_chat_member",
    ]);
    expect(webhook?.params.secret_token).toBe("test-webhook-secret-0123456789");
    // The command menu is set in the background, after start-up.
    await vi.waitFor(() => {
      const commands = h.emulator
        .callsOf("setMyCommands")
        .map((c) => c.params.language_code ?? "default");
      expect(commands).toEqual(["ru", "en", "default"]);
    });
  });

  it("takes webhook posts only with the secret, and answers a broken body with 400", async () => {
    const url = `${h.app.httpUrl}/telegram/webhook`;
    const update = JSON.stringify({
      update_id: 999_001,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 1999, type: "private", first_name: "X" },
        from: { id: 1999, is_bot: false, first_name: "X" },
        text: "/start",
      },
    });
    const headers = { "content-type": "application/json" };
    const noSecret = await fetch(url, { method: "POST", headers, body: update });
    expect(noSecret.status).toBe(401);
    const wrongSecret = await fetch(url, {
      method: "POST",
      headers: { ...headers, "x-telegram-bot-api-secret-token": "not-the-secret-0123456789" },
      body: update,
    });
    expect(wrongSecret.status).toBe(401);
    const broken = await fetch(url, {
      method: "POST",
      headers: { ...headers, "x-telegram-bot-api-secret-token": "test-webhook-secret-0123456789" },
      body: "{not json",
    });
    expect(broken.status).toBe(400);
    expect(await h.db.prisma.customer.count({ where: { telegramId: 1999n } })).toBe(0);
    // Other paths and methods still reach the API.
    expect((await fetch(url)).status).toBe(404);
    expect((await fetch(`${h.app.httpUrl}/healthz`)).status).toBe(200);
  });

  it("speaks English to an English Telegram user", async () => {
    const bob = h.user({ id: 1002, first_name: "Bob", language_code: "en-GB" });
    await bob.sendCommand("/start");
    expect(bob.messages()[0]?.text).toContain("Hello! 👋 This is the Aurora loyalty program.");
  });

  it("falls back to Russian for other languages", async () => {
    const hans = h.user({ id: 1003, first_name: "Hans", language_code: "de" });
    await hans.sendCommand("/start");
    expect(hans.messages()[0]?.text).toContain("Здравствуйте!");
  });

  it("recognises a repeated /start instead of creating a duplicate, keeping the first source", async () => {
    const carol = h.user({ id: 1004, first_name: "Carol", language_code: "ru" });
    await carol.sendCommand("/start", "src_vk");
    await carol.sendCommand("/start", "src_flyer");
    expect(await h.db.prisma.customer.count({ where: { telegramId: 1004n } })).toBe(1);
    const customer = await h.db.prisma.customer.findUniqueOrThrow({ where: { telegramId: 1004n } });
    expect(customer.source).toBe("vk");
    const texts = carol.messages().map((m) => m.text ?? "");
    expect(texts).toContain("Продолжим с того места, где остановились.");
    const events = await h.db.prisma.customerEvent.findMany({
      where: { customerId: customer.id, type: "bot.started" },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.data)).toEqual([
      { firstVisit: true, source: "vk" },
      { firstVisit: false, source: "flyer" },
    ]);
  });

  it("keeps last-seen current, at most one write an hour", async () => {
    const erin = h.user({ id: 1006, first_name: "Erin", language_code: "en" });
    await erin.sendCommand("/start");
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await h.db.prisma.customer.update({
      where: { telegramId: 1006n },
      data: { lastSeenAt: twoHoursAgo },
    });
    await erin.sendSticker();
    const seen = (await h.db.prisma.customer.findUniqueOrThrow({ where: { telegramId: 1006n } }))
      .lastSeenAt;
    expect(seen.getTime()).toBeGreaterThan(twoHoursAgo.getTime() + 3600_000);
    await erin.sendSticker();
    const again = (await h.db.prisma.customer.findUniqueOrThrow({ where: { telegramId: 1006n } }))
      .lastSeenAt;
    expect(again).toEqual(seen);
  });

  it("marks a customer who blocks the bot unreachable, and reachable again when they return", async () => {
    const dan = h.user({ id: 1005, first_name: "Dan", language_code: "ru" });
    await dan.sendCommand("/start");
    await dan.blockBot();
    let customer = await h.db.prisma.customer.findUniqueOrThrow({ where: { telegramId: 1005n } });
    expect(customer.reachable).toBe(false);
    expect(customer.unreachableSince).not.toBeNull();
    await dan.unblockBot();
    customer = await h.db.prisma.customer.findUniqueOrThrow({ where: { telegramId: 1005n } });
    expect(customer.reachable).toBe(true);
    const types = (
      await h.db.prisma.customerEvent.findMany({ where: { customerId: customer.id } })
    ).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["bot.blocked", "bot.unblocked"]));
  });
});
