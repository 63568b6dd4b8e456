import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entitiesToHtml } from "../../bot/conversations/broadcast.ts";
import type { SimulatedUser } from "../../emulator/index.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { inlineButtons, lastText, onboardedUser } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { staffUser, until } from "../support/staff.ts";

/**
 * /broadcast from the bot, as a manager in a shop does it: the text, the audience, the preview
 * with the count, a test to oneself, now or at a time, confirmed; through the real bot, the
 * emulator and the outbox. Customers here all accept offers; one is gold.
 */
let h: BotHarness;
let manager: SimulatedUser;
const customers: Array<{ user: SimulatedUser; customerId: string; name: string }> = [];
beforeAll(async () => {
  h = await startBotHarness({ env: { OUTBOX_RATE: "200" } });
  ({ user: manager } = await staffUser(h, { id: 7601, role: "MANAGER", name: "Марина" }));
  for (const [i, name] of ["Вера", "Глеб", "Дина"].entries()) {
    const { user, customerId } = await onboardedUser(h, { id: 7610 + i, first_name: name });
    customers.push({ user, customerId, name });
  }
  await h.db.prisma.customer.update({
    where: { id: customers[2]?.customerId as string },
    data: { tier: "gold" },
  });
});
afterAll(async () => {
  await h?.close();
});

const data = (user: SimulatedUser) =>
  inlineButtons(user.lastMessage()).flatMap((b) => ("callback_data" in b ? [b.callback_data] : []));

/** Presses the same button twice at once, as an impatient thumb does. */
const doubleTap = (user: SimulatedUser, callback: string) =>
  Promise.all([user.pressButton({ data: callback }), user.pressButton({ data: callback })]);

describe(`/broadcast on ${testDbKind}`, () => {
  it("text → everyone → preview with the count → test → send now, confirmed once", async () => {
    await manager.sendCommand("/broadcast");
    expect(lastText(manager)).toMatch(/^📣 Новая рассылка/);
    await manager.sendText("Привет, {first_name|друг}! Скидка 10% до воскресенья.");
    expect(lastText(manager)).toBe("Кому отправить?");
    expect(data(manager)).toContain("bc:a:all");
    expect(data(manager)).toContain("bc:a:t:gold");

    await manager.pressButton({ data: "bc:a:all" });
    const texts = manager.messages().map((m) => m.text ?? m.caption ?? "");
    const preview = texts.at(-2) ?? "";
    // The sample customer's name is filled in, exactly as they will read it.
    expect(preview).toMatch(/^Привет, (Вера|Глеб|Дина)! Скидка 10% до воскресенья\.$/);
    expect(texts.at(-3)).toMatch(/^👀 Так сообщение увидит клиент/);
    expect(lastText(manager)).toBe("Получателей: 3. Что дальше?");

    const test = manager.waitForMessage((m) => m.text?.includes("Скидка 10%") === true);
    const before = manager.messages().length;
    await manager.pressButton({ data: "bc:test" });
    // The test goes through the outbox: it may arrive before or after the confirmation.
    expect(
      manager
        .messages()
        .slice(before)
        .some((m) => m.text?.startsWith("🧪 Тестовое сообщение отправлено")),
    ).toBe(true);
    expect((await test).text).toMatch(/^Привет, .+! Скидка 10%/);
    const campaign = await h.db.prisma.campaign.findFirstOrThrow({
      orderBy: { createdAt: "desc" },
    });
    expect(campaign.status).toBe("DRAFT");
    expect(
      await h.db.prisma.outboxMessage.count({
        where: { campaignId: campaign.id, kind: "campaign_test" },
      }),
    ).toBe(1);

    await doubleTap(manager, "bc:now");
    expect(lastText(manager)).toBe("Отправить рассылку сейчас? Получателей: 3.");
    await doubleTap(manager, "bc:confirm");
    const launched = manager.messages().find((m) => m.text?.startsWith("🚀 Рассылка запущена"));
    expect(launched?.text).toBe(`🚀 Рассылка запущена: 3 получателей. Номер: ${campaign.id}`);
    // One campaign, launched once: three deliveries in the outbox.
    expect(await h.db.prisma.campaign.count()).toBe(1);
    const deliveries = await h.db.prisma.outboxMessage.findMany({
      where: { campaignId: campaign.id, kind: "campaign" },
    });
    expect(deliveries.map((d) => d.customerId).sort()).toEqual(
      customers.map((c) => c.customerId).sort(),
    );

    for (const { user, name } of customers) {
      await until(
        () => user.messages().some((m) => m.text === `Привет, ${name}! Скидка 10% до воскресенья.`),
        `${name}'s message`,
      );
    }
    await until(
      async () =>
        (await h.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status ===
        "SENT",
      "the campaign to finish",
    );
    // "Unsubscribe" under the message as the dispatcher sent it: counted for that delivery.
    const first = customers[0] as (typeof customers)[number];
    const sent = first.user.messages().find((m) => m.text?.startsWith("Привет, Вера!"));
    const unsubscribe = inlineButtons(sent).find(
      (b) => "callback_data" in b && b.callback_data?.startsWith("unsub:"),
    );
    expect(unsubscribe?.text).toBe("Отписаться");
    await first.user.pressButton({
      messageId: sent?.message_id as number,
      text: unsubscribe?.text as string,
    });
    expect(lastText(first.user)).toMatch(/^Вы отписались от рекламных рассылок/);
    expect(
      await h.db.prisma.campaignClick.findMany({
        where: { campaignId: campaign.id },
        select: { button: true, customerId: true },
      }),
    ).toEqual([{ button: "unsubscribe", customerId: first.customerId }]);
    await first.user.pressButton({ text: "🔔 Подписаться снова" });
    expect(lastText(first.user)).toMatch(/^Вы снова подписаны/);

    await manager.pressButton({ data: `bc:st:${campaign.id}` });
    const status = manager.messages().find((m) => m.message_id === launched?.message_id);
    expect(status?.text).toContain("отправлена");
    expect(status?.text).toContain("Доставлено: 3");
  });

  it("a tier, a time in the past, then a time to come: scheduled", async () => {
    await manager.sendCommand("/broadcast");
    await manager.sendText("Для золотых клиентов: закрытая распродажа");
    await manager.pressButton({ data: "bc:a:t:gold" });
    expect(lastText(manager)).toBe("Получателей: 1. Что дальше?");
    await manager.pressButton({ data: "bc:schedule" });
    expect(lastText(manager)).toMatch(
      /^Когда отправить\? Напишите дату и время, например \d\d\.\d\d \d\d:\d\d\.$/,
    );
    await manager.sendText("завтра");
    expect(lastText(manager)).toMatch(/^Не понял время/);
    await manager.sendText("31.02 10:00");
    expect(lastText(manager)).toMatch(/^Не понял время/);
    await manager.sendText("01.01.2020 10:00");
    expect(lastText(manager)).toMatch(/^Это время уже прошло/);
    const year = new Date().getUTCFullYear() + 1;
    await manager.sendText(`25.12.${year} 10:00`);
    expect(lastText(manager)).toBe(
      `Запланировать рассылку на 25.12.${year}, 10:00? Получателей сейчас: 1.`,
    );
    await manager.pressButton({ data: "bc:confirm" });
    expect(lastText(manager)).toMatch(
      /^🕒 Рассылка запланирована на 25\.12\.\d{4}, 10:00\. Номер: /,
    );
    const campaign = await h.db.prisma.campaign.findFirstOrThrow({
      orderBy: { createdAt: "desc" },
    });
    expect(campaign).toMatchObject({
      status: "SCHEDULED",
      // 10:00 in Moscow (the business's TIME_ZONE)
      scheduledAt: new Date(Date.UTC(year, 11, 25, 7, 0)),
      audience: { kind: "rule", rule: { field: "tier", op: "eq", value: "gold" } },
    });
  });

  it("refuses stickers, overlong texts and unknown placeholders, takes a photo's file_id", async () => {
    await manager.sendCommand("/broadcast");
    await manager.sendSticker();
    expect(lastText(manager)).toMatch(/^Пришлите текст сообщения или фото с подписью/);
    await manager.sendText("а".repeat(10_000));
    expect(lastText(manager)).toMatch(
      /^Текст длиннее, чем позволяет Telegram: 10\s000 символов при пределе 4\s096\./,
    );
    await manager.sendPhoto();
    expect(lastText(manager)).toBe("Добавьте к фото подпись — это и будет текст рассылки.");
    await manager.sendPhoto({ caption: "б".repeat(1_100) });
    expect(lastText(manager)).toMatch(/^Подпись к фото длиннее, чем позволяет Telegram: 1\s100/);
    await manager.sendText("Ваша скидка {discount}, {first_name}");
    expect(lastText(manager)).toMatch(/^Таких подстановок нет: \{discount\}\./);
    const photo = await manager.sendPhoto({ caption: "Новинки недели" });
    const fileId = photo.message?.photo?.at(-1)?.file_id;
    await manager.pressButton({ data: "bc:a:all" });
    const shown = manager.messages().at(-2);
    expect(shown?.caption).toBe("Новинки недели");
    const campaign = await h.db.prisma.campaign.findFirstOrThrow({
      orderBy: { createdAt: "desc" },
    });
    expect((campaign.message as { photoUrl: string }).photoUrl).toBe(fileId);
    await manager.pressButton({ data: "bc:cancel" });
    expect(lastText(manager)).toBe("Рассылка отменена, ничего не отправлено.");
    expect(campaign.status).toBe("DRAFT");
  });

  it("keeps the formatting typed in Telegram: the campaign goes as HTML", async () => {
    await manager.sendCommand("/broadcast");
    const text = "Скидка 20% для <друзей>, {first_name}!";
    await h.emulator.pushUpdate({
      message: {
        message_id: 900_001,
        date: Math.floor(Date.now() / 1000),
        chat: { id: manager.id, type: "private", first_name: "Марина" },
        from: manager.user,
        text,
        entities: [{ type: "bold", offset: 0, length: 10 }],
      },
    });
    await manager.pressButton({ data: "bc:a:all" });
    const campaign = await h.db.prisma.campaign.findFirstOrThrow({
      orderBy: { createdAt: "desc" },
    });
    expect(campaign.message).toMatchObject({
      text: { ru: "<b>Скидка 20%</b> для &lt;друзей&gt;, {first_name}!" },
      parseMode: "HTML",
    });
    // The preview as the customer gets it: bold where it was typed, the name filled in.
    const preview = manager.messages().at(-2);
    expect(preview?.text).toMatch(/^Скидка 20% для <друзей>, (Вера|Глеб|Дина)!$/);
    expect(preview?.entities).toEqual([{ type: "bold", offset: 0, length: 10 }]);
    await manager.pressButton({ data: "bc:cancel" });
  });

  it("resumes after a restart in the middle", async () => {
    await manager.sendCommand("/broadcast");
    await manager.sendText("После перезапуска");
    await h.restart();
    await manager.pressButton({ data: "bc:a:all" });
    expect(lastText(manager)).toBe("Получателей: 3. Что дальше?");
    expect(manager.messages().at(-2)?.text).toBe("После перезапуска");
    await manager.pressButton({ data: "bc:cancel" });
  });

  it("is for managers and owners: a cashier is refused kindly, a customer not told", async () => {
    const { user: cashier } = await staffUser(h, { id: 7602, role: "CASHIER", name: "Кира" });
    const labels = cashier
      .currentReplyKeyboard()
      ?.keyboard.flat()
      .map((b) => b.text);
    expect(labels).not.toContain("📣 Рассылка");
    await cashier.sendCommand("/broadcast");
    expect(lastText(cashier)).toBe(
      "Рассылки отправляют менеджер и владелец. Попросите их, если нужно что-то сообщить клиентам.",
    );
    await manager.sendCommand("/staff");
    expect(
      manager
        .currentReplyKeyboard()
        ?.keyboard.flat()
        .map((b) => b.text),
    ).toContain("📣 Рассылка");
    await manager.pressReplyButton("📣 Рассылка");
    expect(lastText(manager)).toMatch(/^📣 Новая рассылка/);
    await manager.pressButton({ data: "bc:cancel" });

    const customer = customers[0]?.user as SimulatedUser;
    await customer.sendCommand("/broadcast");
    expect(lastText(customer)).not.toMatch(/Рассылк/);
  });
});

describe("Telegram's formatting as HTML", () => {
  it("nests tags, escapes the rest and leaves plain text alone", () => {
    expect(entitiesToHtml("plain <text>", [])).toBeNull();
    expect(entitiesToHtml("a b & c", [{ type: "mention", offset: 0, length: 1 }])).toBeNull();
    expect(
      entitiesToHtml("bold italic link", [
        { type: "bold", offset: 0, length: 11 },
        { type: "italic", offset: 5, length: 6 },
        { type: "text_link", offset: 12, length: 4, url: 'https://example.com/?a=1&b="2"' },
      ]),
    ).toBe(
      '<b>bold <i>italic</i></b> <a href="https://example.com/?a=1&amp;b=&quot;2&quot;">link</a>',
    );
    // Overlapping entities are cut so that the tags still nest.
    expect(
      entitiesToHtml("abcdef", [
        { type: "bold", offset: 0, length: 4 },
        { type: "italic", offset: 2, length: 4 },
      ]),
    ).toBe("<b>ab<i>cd</i></b>ef");
  });
});
