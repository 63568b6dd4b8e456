import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { testDbKind } from "../support/database.ts";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
});
afterEach(() => h.emulator.clearFaults());
afterAll(async () => {
  await h?.close();
});

let nextId = 4000;
const newUser = (first_name = "Вера") =>
  h.user({
    id: nextId++,
    first_name,
    language_code: "ru",
    phone_number: `+7997${String(nextId).padStart(7, "0")}`,
  });

function sendsTo(chatId: number, method = "sendMessage") {
  return h.emulator.callsOf(method).filter((c) => Number(c.params.chat_id) === chatId);
}

describe(`Telegram faults reaching the bot on ${testDbKind}`, () => {
  it("waits out a 429 for retry_after seconds and then delivers", async () => {
    const user = newUser();
    h.emulator.injectFault({ kind: "429", method: "sendMessage", chatId: user.id, retryAfter: 1 });
    await user.sendCommand("/start");
    const calls = sendsTo(user.id);
    expect(calls[0]?.fault).toBe("429");
    expect(calls[0]?.response).toMatchObject({
      ok: false,
      error_code: 429,
      parameters: { retry_after: 1 },
    });
    expect(calls[1]?.ok).toBe(true);
    // Honoured retry_after: the retry came a second after the refusal, not straight away.
    const waited = (calls[1]?.at.getTime() ?? 0) - (calls[0]?.at.getTime() ?? 0);
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(user.messages()[0]?.text).toContain("Здравствуйте!");
  });

  it("retries a 5xx answer", async () => {
    // The HTTP client backs off a second before the first retry: one fault is enough.
    const user = newUser();
    h.emulator.injectFault({ kind: "502", method: "sendMessage", chatId: user.id });
    await user.sendCommand("/start");
    expect(
      sendsTo(user.id)
        .map((c) => c.fault ?? "ok")
        .slice(0, 2),
    ).toEqual(["502", "ok"]);
    expect(user.messages()[0]?.text).toContain("Здравствуйте!");
  });

  it("marks the customer unreachable when Telegram answers 403 blocked", async () => {
    const user = newUser();
    await user.sendCommand("/start");
    h.emulator.injectFault({
      kind: "403",
      method: "sendMessage",
      chatId: user.id,
      times: Number.POSITIVE_INFINITY,
    });
    await user.sendText("что-нибудь");
    const customer = await h.db.prisma.customer.findUniqueOrThrow({
      where: { telegramId: BigInt(user.id) },
    });
    expect(customer.reachable).toBe(false);
    const events = await h.db.prisma.customerEvent.findMany({
      where: { customerId: customer.id, type: "bot.blocked" },
    });
    expect(events.map((e) => e.data)).toEqual([{ reason: "send_failed" }]);
  });

  it("answers politely when a step fails, and the customer is not stuck afterwards", async () => {
    const user = newUser("Юля");
    await user.sendCommand("/start");
    await user.pressButton({ data: "consent:yes" });
    await user.pressButton({ data: "marketing:no" });
    await user.pressButton({ data: "name:keep" });
    await user.pressReplyButton("📱 Поделиться номером");
    // Sending the card image fails for good (beyond the HTTP client's retries).
    h.emulator.injectFault({ kind: "500", method: "sendPhoto", times: Number.POSITIVE_INFINITY });
    await user.pressButton({ data: "step:skip" });
    expect(user.lastMessage()?.text).toBe(
      "Что-то пошло не так. Мы уже разбираемся — попробуйте, пожалуйста, ещё раз чуть позже.",
    );
    h.emulator.clearFaults();

    // The card was issued before the image failed; /start shows the menu, the card is there.
    await user.sendCommand("/start");
    expect(user.lastMessage()?.text).toContain("С возвращением, Юля!");
    await user.pressReplyButton("💳 Моя карта");
    expect(user.lastMessage()?.caption).toContain("Баланс: 100 баллов");
    const customer = await h.db.prisma.customer.findUniqueOrThrow({
      where: { telegramId: BigInt(user.id) },
      include: { ledger: true },
    });
    expect(customer.ledger).toHaveLength(1);
  });

  it("keeps working when every call is slow", async () => {
    const user = newUser();
    h.emulator.setLatency(150);
    try {
      await user.sendCommand("/start");
    } finally {
      h.emulator.setLatency(0);
    }
    expect(user.messages()[0]?.text).toContain("Здравствуйте!");
  });

  it("sends an upload again after a 5xx: the card's picture arrives whole", async () => {
    const user = newUser("Лена");
    await user.sendCommand("/start");
    await user.pressButton({ data: "consent:yes" });
    await user.pressButton({ data: "marketing:no" });
    await user.pressButton({ data: "name:keep" });
    await user.pressReplyButton("📱 Поделиться номером");
    h.emulator.injectFault({ kind: "502", method: "sendPhoto", chatId: user.id });
    await user.pressButton({ data: "step:skip" });
    expect(sendsTo(user.id, "sendPhoto").map((c) => c.fault ?? "ok")).toEqual(["502", "ok"]);
    const card = user.messages().find((m) => m.photo);
    expect(card?.photo?.bytes.subarray(1, 4).toString()).toBe("PNG");
    expect(card?.caption).toContain("Баланс: 100 баллов");
  });

  it("waits out a 429 inside a conversation too, and the step goes on", async () => {
    const user = newUser();
    await user.sendCommand("/start");
    h.emulator.injectFault({ kind: "429", method: "sendMessage", chatId: user.id, retryAfter: 1 });
    await user.pressButton({ data: "consent:yes" });
    expect(user.lastMessage()?.text).toContain("Присылать вам персональные предложения");
    expect(user.messages().some((m) => m.text?.startsWith("Что-то пошло не так"))).toBe(false);
    expect(
      sendsTo(user.id)
        .map((c) => c.fault ?? "ok")
        .slice(-2),
    ).toEqual(["429", "ok"]);
  });

  it("never fails a step over a cosmetic call, even one grammY cannot make", async () => {
    const user = newUser();
    await user.sendCommand("/start");
    // A callback query whose message has no message_id: grammY throws synchronously when asked
    // to remove that message's buttons, and answering the unknown query fails too.
    await h.emulator.pushUpdate({
      callback_query: {
        id: "no-such-query",
        from: user.user,
        chat_instance: "1",
        data: "consent:yes",
        message: {
          date: 0,
          chat: { id: user.id, type: "private", first_name: user.user.first_name },
        } as never,
      },
    });
    expect(user.lastMessage()?.text).toContain("Присылать вам персональные предложения");
    expect(user.messages().some((m) => m.text?.startsWith("Что-то пошло не так"))).toBe(false);
    expect(
      (await h.db.prisma.customer.findUnique({ where: { telegramId: BigInt(user.id) } }))
        ?.dataConsentAt,
    ).not.toBeNull();
  });
});

describe(`a failing conversation step under long polling on ${testDbKind}`, () => {
  it("does not leave the chat stuck (grammY conversations issue 155)", async () => {
    const polling = await startBotHarness({ mode: "polling" });
    try {
      const user = polling.user({
        id: 4999,
        first_name: "Яна",
        language_code: "ru",
        phone_number: "+79970004999",
      });
      // Under polling, replies arrive after the action resolves: wait for the next question.
      const step = async (action: () => Promise<unknown>, next: string) => {
        const reply = user.waitForMessage((m) => (m.text ?? "").includes(next));
        await action();
        return reply;
      };
      await step(() => user.sendCommand("/start"), "согласие на обработку");
      await step(() => user.pressButton({ data: "consent:yes" }), "Присылать вам");
      await step(() => user.pressButton({ data: "marketing:no" }), "Как к вам обращаться");
      await step(() => user.pressButton({ data: "name:keep" }), "Поделитесь номером");
      await step(() => user.pressReplyButton("📱 Поделиться номером"), "день рождения");
      await polling.emulator.idle();
      polling.emulator.injectFault({
        kind: "500",
        method: "sendPhoto",
        times: Number.POSITIVE_INFINITY,
      });
      // After the HTTP client's retries (1 + 2 + 4 s).
      const failure = user.waitForMessage(
        (m) => m.text?.startsWith("Что-то пошло не так") ?? false,
        { timeoutMs: 15_000 },
      );
      await user.pressButton({ data: "step:skip" });
      await failure;
      polling.emulator.clearFaults();

      const greeting = user.waitForMessage((m) => m.text?.startsWith("С возвращением") ?? false);
      await user.sendCommand("/start");
      await greeting;
      const card = user.waitForMessage((m) => m.caption?.includes("Баланс: 100 баллов") ?? false);
      await user.pressReplyButton("💳 Моя карта");
      await card;
    } finally {
      await polling.close();
    }
  });
});
