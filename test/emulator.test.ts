import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { run } from "@grammyjs/runner";
import { serve } from "@hono/node-server";
import { Bot, GrammyError, HttpError, InputFile, webhookCallback } from "grammy";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import {
  createTelegramEmulator,
  type TelegramEmulator,
  type TelegramEmulatorOptions,
  WebhookDeliveryError,
} from "../emulator/index.ts";
import { solidPng } from "../emulator/placeholder-media.ts";

// Everything started by a test is registered here and torn down after it, newest first.
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startEmulator(options: TelegramEmulatorOptions = {}) {
  const emu = createTelegramEmulator({ webhookRetryDelayMs: 10, ...options });
  await emu.start();
  cleanups.push(() => emu.stop());
  return emu;
}

function createBot(emu: TelegramEmulator) {
  return new Bot(emu.token, { botInfo: emu.botInfo, client: { apiRoot: emu.apiRoot } });
}

/** The little bot most tests talk to. */
function loyaltyBot(emu: TelegramEmulator) {
  const bot = createBot(emu);
  bot.command("start", (ctx) =>
    ctx.reply(`start:${ctx.match}`, {
      reply_markup: { inline_keyboard: [[{ text: "Мой профиль", callback_data: "profile" }]] },
    }),
  );
  bot.callbackQuery("profile", async (ctx) => {
    await ctx.answerCallbackQuery({ text: "Открываю" });
    await ctx.editMessageText("<b>Профиль</b>", { parse_mode: "HTML" });
  });
  bot.command("card", (ctx) =>
    ctx.replyWithPhoto(new InputFile(solidPng(300, 200, [0, 0, 0]), "card.png"), {
      caption: "Ваша карта",
    }),
  );
  bot.command("phone", (ctx) =>
    ctx.reply("Поделитесь номером", {
      reply_markup: {
        keyboard: [[{ text: "📱 Отправить номер", request_contact: true }], ["Отмена"]],
        resize_keyboard: true,
      },
    }),
  );
  bot.on("message:contact", (ctx) =>
    ctx.reply(`phone:${ctx.message.contact.phone_number}:${ctx.message.contact.user_id}`, {
      reply_markup: { remove_keyboard: true },
    }),
  );
  bot.on("message:text", (ctx) => ctx.reply(`echo:${ctx.message.text}`));
  return bot;
}

async function startPolling(bot: Bot) {
  await new Promise<void>((resolve) => {
    void bot.start({ onStart: () => resolve() });
  });
  cleanups.push(() => bot.stop());
}

/**
 * Serves the bot's webhook on a random port, the way production does with Hono.
 * `failures`: how many requests answer 500 before grammY gets to see them.
 */
async function serveWebhook(bot: Bot, secretToken: string, options: { failures?: number } = {}) {
  const seenSecrets: (string | undefined)[] = [];
  let failures = options.failures ?? 0;
  const app = new Hono();
  app.use(async (c, next) => {
    seenSecrets.push(c.req.header("X-Telegram-Bot-Api-Secret-Token"));
    if (failures-- > 0) return c.text("database is down", 500);
    await next();
  });
  app.post("/hook", webhookCallback(bot, "hono", { secretToken }));
  const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.close(resolve);
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, seenSecrets };
}

async function apiError(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

describe("Bot API surface", () => {
  it("answers getMe and rejects a wrong token", async () => {
    const emu = await startEmulator();
    expect(await createBot(emu).api.getMe()).toEqual(emu.botInfo);

    const stranger = new Bot("999:WRONG", { client: { apiRoot: emu.apiRoot } });
    const error = await apiError(stranger.api.getMe());
    expect(error.error_code).toBe(401);
    expect(error.description).toBe("Unauthorized");
  });

  it("speaks every transport and answers unknown methods with 404", async () => {
    const emu = await startEmulator();
    // Writing to the bot makes the chat known. Nobody polls here, so the update just waits.
    void emu.user({ id: 1001, first_name: "Алиса" }).sendText("hi");
    const base = `${emu.apiRoot}/bot${emu.token}`;

    const viaGet = await fetch(`${base}/GETME`).then((r) => r.json());
    expect(viaGet).toMatchObject({ ok: true, result: { username: "loyalty_test_bot" } });

    const form = await fetch(`${base}/sendMessage`, {
      method: "POST",
      body: new URLSearchParams({ chat_id: "1001", text: "form" }),
    });
    expect(form.status).toBe(200);
    expect(emu.callsOf("sendMessage")[0]?.params).toEqual({ chat_id: 1001, text: "form" });

    const unknown = await fetch(`${base}/noSuchMethod`, { method: "POST" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      ok: false,
      error_code: 404,
      description: "Not Found: method not found",
    });
  });

  it("validates parameters like Telegram", async () => {
    const emu = await startEmulator();
    const bot = createBot(emu);
    void emu.user({ id: 1001, first_name: "Алиса" }).sendText("hi");

    expect((await apiError(bot.api.sendMessage(4242, "x"))).description).toBe(
      "Bad Request: chat not found",
    );
    expect((await apiError(bot.api.sendMessage(1001, ""))).description).toBe(
      "Bad Request: message text is empty",
    );
    expect((await apiError(bot.api.raw.sendMessage({ text: "x" } as never))).description).toBe(
      "Bad Request: chat_id is empty",
    );
    const markdown = await apiError(
      bot.api.sendMessage(1001, "Скидка 5.5%", { parse_mode: "MarkdownV2" }),
    );
    expect(markdown.description).toBe(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    const html = await apiError(bot.api.sendMessage(1001, "Hi <Alice>", { parse_mode: "HTML" }));
    expect(html.description).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "alice" at byte offset 3',
    );
  });
});

describe("long polling", () => {
  it("delivers messages, commands with payload, contacts and button presses", async () => {
    const emu = await startEmulator();
    await startPolling(loyaltyBot(emu));
    const alice = emu.user({ id: 1001, first_name: "Алиса", username: "alice" });

    const echo = alice.waitForMessage();
    const update = await alice.sendText("привет");
    expect(update.message?.chat).toEqual({
      id: 1001,
      type: "private",
      first_name: "Алиса",
      username: "alice",
    });
    expect((await echo).text).toBe("echo:привет");

    const start = alice.waitForMessage();
    const command = await alice.sendCommand("/start", "src_instagram");
    expect(command.message?.entities).toEqual([{ type: "bot_command", offset: 0, length: 6 }]);
    const menu = await start;
    expect(menu.text).toBe("start:src_instagram");

    const edited = alice.waitForMessage((m) => m.edited);
    const press = await alice.pressButton("Мой профиль");
    expect(press.callback_query?.data).toBe("profile");
    expect(await edited).toMatchObject({ message_id: menu.message_id, text: "Профиль" });
    expect(alice.lastMessage()?.entities).toEqual([{ type: "bold", offset: 0, length: 7 }]);
    // The edit did not resend the keyboard, so Telegram removed it.
    expect(alice.lastMessage()?.raw.reply_markup).toBeUndefined();
    expect(alice.callbackAnswers()).toMatchObject([{ data: "profile", text: "Открываю" }]);
    expect(emu.callsOf("answerCallbackQuery")).toHaveLength(1);
    await expect(alice.pressButton("Нет такой")).rejects.toThrow(/No inline button/);

    const keyboard = alice.waitForMessage();
    await alice.sendCommand("phone");
    await keyboard;
    expect(
      alice
        .currentReplyKeyboard()
        ?.keyboard.flat()
        .map((b) => b.text),
    ).toEqual(["📱 Отправить номер", "Отмена"]);
    const contactReply = alice.waitForMessage();
    await alice.shareContact({ phone_number: "79991234567" });
    expect((await contactReply).text).toBe("phone:79991234567:1001");
    expect(alice.currentReplyKeyboard()).toBeUndefined();

    const someoneElse = alice.waitForMessage();
    await alice.shareContact({ phone_number: "+79990000000", user_id: null });
    expect((await someoneElse).text).toBe("phone:+79990000000:undefined");
  });

  it("stores uploaded photos and serves them through getFile", async () => {
    const emu = await startEmulator();
    const bot = loyaltyBot(emu);
    await startPolling(bot);
    const alice = emu.user({ id: 1001, first_name: "Алиса" });

    const card = alice.waitForMessage((m) => m.photo !== undefined);
    await alice.sendCommand("card");
    const { photo, caption } = await card;
    expect(caption).toBe("Ваша карта");
    expect(photo?.bytes.equals(solidPng(300, 200, [0, 0, 0]))).toBe(true);
    expect([photo?.width, photo?.height]).toEqual([300, 200]);

    const call = emu.callsOf("sendPhoto")[0];
    expect(call?.params.photo).toMatchObject({ filename: "card.png", size: photo?.bytes.length });
    const sizes = call?.response?.ok ? (call.response.result as { photo: unknown[] }).photo : [];
    expect(sizes).toHaveLength(2); // a 90 px thumbnail and the original
    const file = await bot.api.getFile(photo?.file_id ?? "");
    const download = await fetch(`${emu.apiRoot}/file/bot${emu.token}/${file.file_path}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(photo?.bytes ?? Buffer.alloc(0))).toBe(
      true,
    );

    const notAnImage = await apiError(bot.api.sendPhoto(1001, new InputFile(Buffer.from("nope"))));
    expect(notAnImage.description).toBe("Bad Request: IMAGE_PROCESS_FAILED");
  });

  it("implements getUpdates offsets, limits, allowed_updates and long polling", async () => {
    const emu = await startEmulator();
    const bot = createBot(emu);
    const alice = emu.user({ id: 1001, first_name: "Алиса" });
    void alice.sendText("one");
    void alice.sendText("two");
    void alice.sendText("three");

    const first = await bot.api.getUpdates({ limit: 2 });
    expect(first.map((u) => u.message?.text)).toEqual(["one", "two"]);
    const rest = await bot.api.getUpdates({ offset: (first[1]?.update_id ?? 0) + 1 });
    expect(rest.map((u) => u.message?.text)).toEqual(["three"]);
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(1); // not yet confirmed

    // A long poll returns as soon as an update arrives.
    const started = Date.now();
    const waiting = bot.api.getUpdates({ offset: (rest[0]?.update_id ?? 0) + 1, timeout: 10 });
    setTimeout(() => void alice.sendText("late"), 50);
    expect((await waiting).map((u) => u.message?.text)).toEqual(["late"]);
    expect(Date.now() - started).toBeLessThan(2000);

    // allowed_updates is remembered and filters updates when they are created.
    await bot.api.getUpdates({ offset: -1, allowed_updates: ["callback_query"] });
    void alice.sendText("filtered out");
    expect(await bot.api.getUpdates({ offset: -1 })).toHaveLength(1); // still the old "late"
    expect((await bot.api.getWebhookInfo()).allowed_updates).toEqual(["callback_query"]);
  });

  it("ends an older long poll with 409 when another bot instance polls", async () => {
    const emu = await startEmulator();
    const bot = createBot(emu);
    const older = bot.api.getUpdates({ timeout: 5 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const newer = bot.api.getUpdates({ timeout: 5 });
    const error = await apiError(older);
    expect(error.error_code).toBe(409);
    expect(error.description).toMatch(/terminated by other getUpdates request/);
    void emu.user({ id: 1001, first_name: "Алиса" }).sendText("for the newer poll");
    expect(await newer).toHaveLength(1);
  });

  it("works with @grammyjs/runner", async () => {
    const emu = await startEmulator();
    const runner = run(loyaltyBot(emu));
    cleanups.push(() => runner.isRunning() && runner.stop());
    const alice = emu.user({ id: 1001, first_name: "Алиса" });
    const reply = alice.waitForMessage();
    await alice.sendText("runner");
    expect((await reply).text).toBe("echo:runner");
  });

  it("idle() waits until the bot handled every update", async () => {
    const emu = await startEmulator();
    const handled: string[] = [];
    const bot = createBot(emu);
    bot.on("message:text", async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      handled.push(ctx.message.text);
    });
    await startPolling(bot);
    const users = [1, 2, 3].map((id) => emu.user({ id, first_name: `U${id}` }));
    await Promise.all(users.map((user) => user.sendText(`from ${user.id}`)));
    await emu.idle();
    expect(handled.sort()).toEqual(["from 1", "from 2", "from 3"]);
  });
});

describe("webhook", () => {
  it("POSTs updates with the secret token and resolves actions once the bot answered", async () => {
    const emu = await startEmulator();
    const bot = loyaltyBot(emu);
    const { url, seenSecrets } = await serveWebhook(bot, "s3cret");
    await bot.api.setWebhook(url, { secret_token: "s3cret" });
    const alice = emu.user({ id: 1001, first_name: "Алиса" });

    await alice.sendCommand("/start", "qr_table_5");
    // No waiting needed: the action resolved after the bot's handler finished.
    expect(alice.lastMessage()?.text).toBe("start:qr_table_5");
    expect(seenSecrets).toEqual(["s3cret"]);

    await alice.pressButton({ data: "profile" });
    expect(alice.lastMessage()).toMatchObject({ text: "Профиль", edited: true });

    const conflict = await apiError(bot.api.getUpdates());
    expect(conflict.error_code).toBe(409);
    expect(await bot.api.getWebhookInfo()).toMatchObject({ url, pending_update_count: 0 });
  });

  it("retries failed deliveries and reports a webhook that keeps failing", async () => {
    const emu = await startEmulator({ webhookMaxAttempts: 3 });
    const bot = createBot(emu);
    bot.on("message:text", (ctx) => ctx.reply("saved"));
    const { url, seenSecrets } = await serveWebhook(bot, "right", { failures: 1 });
    await bot.api.setWebhook(url, { secret_token: "right" });
    const alice = emu.user({ id: 1001, first_name: "Алиса" });

    await alice.sendText("first try fails");
    expect(alice.lastMessage()?.text).toBe("saved");
    expect(seenSecrets).toEqual(["right", "right"]);
    expect((await bot.api.getWebhookInfo()).last_error_message).toBe(
      "Wrong response from the webhook: 500 Internal Server Error",
    );

    // grammY rejects a wrong secret with 401, which Telegram treats as a failed delivery.
    await bot.api.setWebhook(url, { secret_token: "wrong" });
    const failed = await alice.sendText("never arrives").catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WebhookDeliveryError);
    expect((failed as WebhookDeliveryError).attempts).toBe(3);
    expect((await bot.api.getWebhookInfo()).last_error_message).toBe(
      "Wrong response from the webhook: 401 Unauthorized",
    );
  });

  it("executes a method returned in the webhook response", async () => {
    const emu = await startEmulator();
    const bot = new Bot(emu.token, {
      botInfo: emu.botInfo,
      client: { apiRoot: emu.apiRoot, canUseWebhookReply: (method) => method === "sendMessage" },
    });
    bot.on("message:text", (ctx) => ctx.reply("via webhook reply"));
    // grammY's "hono" adapter double-encodes webhook replies (Telegram ignores them), so this
    // test serves the webhook with plain node:http.
    const server = createServer(webhookCallback(bot, "http"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    await bot.api.setWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const alice = emu.user({ id: 1001, first_name: "Алиса" });

    await alice.sendText("hi");
    expect(alice.lastMessage()?.text).toBe("via webhook reply");
    expect(emu.callsOf("sendMessage")[0]?.source).toBe("webhook-reply");
  });
});

describe("fault injection", () => {
  async function botWithChat() {
    const emu = await startEmulator();
    void emu.user({ id: 1001, first_name: "Алиса" }).sendText("hi");
    return { emu, bot: createBot(emu) };
  }

  it.each([
    ["403", 403, "Forbidden: bot was blocked by the user"],
    ["500", 500, "Internal Server Error"],
    ["502", 502, "Bad Gateway"],
  ] as const)("%s reaches grammY as GrammyError %i", async (kind, code, description) => {
    const { emu, bot } = await botWithChat();
    emu.injectFault({ kind, method: "sendMessage" });
    const error = await apiError(bot.api.sendMessage(1001, "x"));
    expect([error.error_code, error.description]).toEqual([code, description]);
    expect(emu.callsOf("sendMessage")[0]).toMatchObject({ ok: false, fault: kind });
    await bot.api.sendMessage(1001, "the fault was used up");
  });

  it("429 carries retry_after", async () => {
    const { emu, bot } = await botWithChat();
    emu.injectFault({ kind: "429", retryAfter: 7 });
    const error = await apiError(bot.api.sendMessage(1001, "x"));
    expect(error.error_code).toBe(429);
    expect(error.description).toBe("Too Many Requests: retry after 7");
    expect(error.parameters.retry_after).toBe(7);
  });

  it("timeout drops the connection, which grammY reports as HttpError", async () => {
    const { emu, bot } = await botWithChat();
    emu.injectFault({ kind: "timeout", latencyMs: 20 });
    const error = await bot.api.sendMessage(1001, "x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(emu.callsOf("sendMessage")[0]).toMatchObject({ ok: false, response: null });
  });

  it("matches faults by chat and counts them; latency delays answers", async () => {
    const { emu, bot } = await botWithChat();
    void emu.user({ id: 1002, first_name: "Борис" }).sendText("hi");
    emu.injectFault({ kind: "403", chatId: 1002, times: 2 });
    await bot.api.sendMessage(1001, "unaffected");
    await apiError(bot.api.sendMessage(1002, "x"));
    await apiError(bot.api.sendChatAction(1002, "typing"));
    await bot.api.sendMessage(1002, "recovered");

    emu.setLatency(100);
    const started = Date.now();
    await bot.api.getMe();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });
});

describe("blocking the bot", () => {
  it("sends my_chat_member and answers 403 until the user unblocks", async () => {
    const emu = await startEmulator();
    const bot = createBot(emu);
    const statuses: string[] = [];
    bot.on("my_chat_member", (ctx) => {
      statuses.push(
        `${ctx.myChatMember.old_chat_member.status}->${ctx.myChatMember.new_chat_member.status}`,
      );
    });
    await startPolling(bot);
    const alice = emu.user({ id: 1001, first_name: "Алиса" });
    await alice.sendText("hi");

    await alice.blockBot();
    const blocked = await apiError(bot.api.sendMessage(1001, "promo"));
    expect([blocked.error_code, blocked.description]).toEqual([
      403,
      "Forbidden: bot was blocked by the user",
    ]);
    await expect(alice.sendText("can't")).rejects.toThrow(/blocked the bot/);

    await alice.unblockBot();
    await bot.api.sendMessage(1001, "welcome back");
    await emu.idle();
    expect(statuses).toEqual(["member->kicked", "kicked->member"]);
  });
});

describe("editing and deleting", () => {
  it("rejects no-op edits and tracks deletions", async () => {
    const emu = await startEmulator();
    const bot = createBot(emu);
    const alice = emu.user({ id: 1001, first_name: "Алиса" });
    void alice.sendText("hi");

    const sent = await bot.api.sendMessage(1001, "Баланс: <b>100</b>", { parse_mode: "HTML" });
    expect(sent.text).toBe("Баланс: 100");
    const same = await apiError(
      bot.api.editMessageText(1001, sent.message_id, "Баланс: <b>100</b>", { parse_mode: "HTML" }),
    );
    expect(same.description).toMatch(/^Bad Request: message is not modified/);

    await bot.api.editMessageText(1001, sent.message_id, "Баланс: 150");
    await bot.api.deleteMessage(1001, sent.message_id);
    expect(alice.messages()).toMatchObject([{ text: "Баланс: 150", edited: true, deleted: true }]);
    expect(alice.lastMessage()).toBeUndefined();
    expect((await apiError(bot.api.deleteMessage(1001, sent.message_id))).description).toBe(
      "Bad Request: message to delete not found",
    );
  });
});

describe("control API", () => {
  interface ControlMessages {
    events: {
      type: string;
      message: { message_id: number; text?: string; photo?: { download_url: string } };
    }[];
    last_seq: number;
  }

  it("lets another process chat as a user", async () => {
    const emu = await startEmulator();
    await startPolling(loyaltyBot(emu));
    const control = `${emu.apiRoot}/control`;
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${control}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return (await response.json()) as { ok: boolean; delivered?: boolean };
    };
    const messagesAfter = async (seq: number) => {
      const response = await fetch(`${control}/chats/1001/messages?after=${seq}&wait=2`);
      return (await response.json()) as ControlMessages;
    };

    expect(await post("/users/1001/command", { command: "start", payload: "cli" })).toEqual({
      ok: true,
      delivered: true,
    });
    const first = await messagesAfter(0);
    expect(first.events[0]).toMatchObject({ type: "new", message: { text: "start:cli" } });

    const messageId = first.events[0]?.message.message_id;
    await post("/users/1001/press", { messageId, data: "profile" });
    const edit = await messagesAfter(first.last_seq);
    expect(edit.events[0]).toMatchObject({ type: "edit", message: { text: "Профиль" } });

    await post("/users/1001/command", { command: "card" });
    const card = await messagesAfter(edit.last_seq);
    const image = await fetch(`${emu.apiRoot}${card.events[0]?.message.photo?.download_url}`);
    expect(image.headers.get("content-type")).toBe("image/png");

    const missing = await post("/users/1001/press", { data: "nope" });
    expect(missing.ok).toBe(false);
  });
});
