import { Api, InlineKeyboard } from "grammy";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cb } from "../../bot/callback-data.ts";
import type { CampaignButton } from "../../core/campaigns/message.ts";
import { enqueueMessage } from "../../core/outbox/enqueue.ts";
import { OutboxKind } from "../../core/outbox/message.ts";
import type { SimulatedUser } from "../../emulator/index.ts";
import { type BotHarness, startBotHarness, TEST_BOT_TOKEN } from "../support/bot-harness.ts";
import { inlineButtons, lastText, onboardedUser } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { until } from "../support/staff.ts";

/**
 * Presses under a campaign message, unsubscribing and subscribing again, through the real bot.
 * The deliveries are made here (a Campaign row, its OutboxMessage row marked sent, and the
 * message with its buttons sent through the Bot API), so these tests depend only on the
 * contract of the rows, not on the dispatcher.
 */
let h: BotHarness;
let api: Api;
beforeAll(async () => {
  // The dispatcher looks once at start and then only when kicked: its polls would otherwise
  // count as the presses' statements.
  h = await startBotHarness({ dispatcher: { pollMs: 3_600_000 } });
  api = new Api(TEST_BOT_TOKEN, { apiRoot: h.app.apiRoot });
  await vi.waitFor(() =>
    expect(h.statements.some((sql) => sql.includes('FROM "OutboxMessage"'))).toBe(true),
  );
});
afterAll(async () => {
  await h?.close();
});

let nextId = 7300;
async function customer(language_code = "ru") {
  const id = nextId++;
  return onboardedUser(h, { id, first_name: "Вера", language_code });
}

const buttons: CampaignButton[] = [
  { text: { ru: "Спасибо" }, action: "ok" },
  { text: { ru: "Моя карта" }, action: "card" },
  { text: { ru: "Меню" }, action: "menu" },
  { text: { ru: "Награды" }, action: "rewards" },
  { text: { ru: "Отписаться" }, action: "unsubscribe" },
  { text: { ru: "Сайт" }, url: "https://example.com/sale" },
];

/** A sent campaign delivery to `user`, with its message and buttons in their chat. */
async function deliver(
  user: SimulatedUser,
  customerId: string,
  options: { kind?: string; forDelivery?: bigint } = {},
) {
  const campaign = await h.db.prisma.campaign.create({
    data: {
      name: "Распродажа",
      status: "SENT",
      message: { text: { ru: "Скидки до 50%" }, buttons, photoUrl: null, parseMode: null },
    },
  });
  const delivery = await h.db.prisma.outboxMessage.create({
    data: {
      kind: options.kind ?? OutboxKind.campaign,
      customerId,
      campaignId: campaign.id,
      marketing: true,
      payload: { campaign: { variant: null } },
      dedupeKey: `campaign:${campaign.id}:${customerId}`,
      status: "SENT",
      sentAt: new Date(),
    },
  });
  // A forged message carries someone else's delivery id.
  const id = options.forDelivery ?? delivery.id;
  const keyboard = new InlineKeyboard();
  buttons.forEach((button, index) => {
    const label = button.text.ru;
    if ("url" in button) keyboard.url(label, button.url).row();
    else keyboard.text(label, cb.campaignButton(id, index)).row();
  });
  keyboard.text("Отписаться от рассылок", cb.unsubscribe(id));
  await api.sendMessage(user.id, "Скидки до 50%", { reply_markup: keyboard });
  return { campaign, delivery };
}

const clicksOf = (outboxId: bigint) =>
  h.db.prisma.campaignClick.findMany({ where: { outboxId }, orderBy: { id: "asc" } });

/** The statements one press caused (the webhook answers once the update is handled). */
async function statementsOf(action: () => Promise<unknown>): Promise<string[]> {
  const before = h.statements.length;
  await action();
  return h.statements.slice(before).map((sql) => sql.replace(/\s+/g, " ").trim().slice(0, 60));
}

/**
 * The fewest statements of up to three equal presses (each made fresh by `press`): the
 * scheduler's minute jobs run on their own clock and may land in one press's window. A press
 * that itself takes one statement more than `budget` fails all three.
 */
async function fewestStatements<T extends Record<string, string[]>>(
  budget: Record<keyof T, number>,
  press: () => Promise<T>,
): Promise<T> {
  let best: T | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = await press();
    const total = (r: T) => Object.values(r).reduce((n, list) => n + list.length, 0);
    if (!best || total(result) < total(best)) best = result;
    if (Object.entries(result).every(([key, list]) => list.length <= budget[key as keyof T])) break;
  }
  return best as T;
}

const consentOf = async (customerId: string) =>
  (await h.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })).marketingConsent;

const consentEvents = (customerId: string) =>
  h.db.prisma.customerEvent.findMany({
    where: { customerId, type: "consent.marketing_changed" },
    orderBy: { id: "asc" },
  });

describe(`campaign buttons on ${testDbKind}`, () => {
  it("counts a press once on a double tap, thanks in two statements", async () => {
    const { user, customerId } = await customer();
    let sent: Awaited<ReturnType<typeof deliver>> | undefined;
    const counted = await fewestStatements({ first: 2, second: 2 }, async () => {
      const fresh = await deliver(user, customerId);
      sent = fresh;
      const data = cb.campaignButton(fresh.delivery.id, 0);
      const first = await statementsOf(() => user.pressButton({ data }));
      const second = await statementsOf(() => user.pressButton({ data }));
      return { first, second };
    });
    // read (customer, card, state), then the click with its button in one statement
    expect(
      { first: counted.first.length, second: counted.second.length },
      JSON.stringify(counted),
    ).toEqual({ first: 2, second: 2 });
    const { delivery, campaign } = sent as Awaited<ReturnType<typeof deliver>>;
    const clicks = await clicksOf(delivery.id);
    expect(clicks.map((c) => [c.button, c.campaignId, c.customerId])).toEqual([
      ["0", campaign.id, customerId],
    ]);
    expect(
      user
        .callbackAnswers()
        .slice(-2)
        .map((a) => a.text),
    ).toEqual(["Спасибо!", "Спасибо!"]);
  });

  it("performs each button's action: the card, the menu, the rewards", async () => {
    const { user, customerId } = await customer();
    const { delivery } = await deliver(user, customerId);

    const card = user.waitForMessage((m) => m.photo !== undefined);
    await user.pressButton({ data: cb.campaignButton(delivery.id, 1) });
    expect((await card).caption).toMatch(/^💳 Карта/);

    const menu = user.waitForMessage();
    await user.pressButton({ data: cb.campaignButton(delivery.id, 2) });
    expect((await menu).text).toBe("Главное меню — внизу, под полем ввода.");
    expect(
      user
        .currentReplyKeyboard()
        ?.keyboard.flat()
        .map((b) => b.text),
    ).toContain("💳 Моя карта");

    const rewards = user.waitForMessage();
    await user.pressButton({ data: cb.campaignButton(delivery.id, 3) });
    expect((await rewards).text).toMatch(/балл/);

    const clicks = await clicksOf(delivery.id);
    expect(clicks.map((c) => c.button)).toEqual(["1", "2", "3"]);
    expect(await consentOf(customerId)).toBe(true);
  });

  it("an unsubscribe button withdraws the consent; one tap subscribes again", async () => {
    const { user, customerId } = await customer();
    const { delivery } = await deliver(user, customerId);
    await user.pressButton({ data: cb.campaignButton(delivery.id, 4) });
    expect(await consentOf(customerId)).toBe(false);
    expect(lastText(user)).toMatch(/^Вы отписались от рекламных рассылок/);
    expect((await clicksOf(delivery.id)).map((c) => c.button)).toEqual(["4"]);

    await user.pressButton({ data: cb.resubscribe });
    expect(await consentOf(customerId)).toBe(true);
    expect(lastText(user)).toMatch(/^Вы снова подписаны/);
    const events = await consentEvents(customerId);
    // onboarding's yes, the button's no, the one tap's yes
    expect(events.map((e) => (e.data as { granted: boolean }).granted)).toEqual([
      true,
      false,
      true,
    ]);
  });

  it("a forged delivery records nothing and says nothing", async () => {
    const { user: owner, customerId: ownerId } = await customer();
    const { delivery } = await deliver(owner, ownerId);
    const { user: other, customerId: otherId } = await customer();
    await deliver(other, otherId, { forDelivery: delivery.id });
    const before = other.messages().length;
    const answered = other.callbackAnswers().length;
    await other.pressButton({ data: cb.campaignButton(delivery.id, 0) });
    await other.pressButton({ data: cb.campaignButton(delivery.id, 1) });
    await other.pressButton({ data: cb.unsubscribe(delivery.id) });
    expect(await clicksOf(delivery.id)).toEqual([]);
    expect(
      other
        .callbackAnswers()
        .slice(answered)
        .map((a) => a.text ?? null),
    ).toEqual([null, null, null]);
    // The unsubscribe itself is the presser's own (their consent), counted for no delivery.
    expect(
      other
        .messages()
        .slice(before)
        .map((m) => m.text),
    ).toEqual([
      "Вы отписались от рекламных рассылок. Служебные сообщения (баллы, чеки) будут приходить.",
    ]);
    expect(await consentOf(ownerId)).toBe(true);
    // A delivery id beyond bigint is no delivery either.
    await other.pressButton({ data: cb.campaignButton(delivery.id, 0) });
    const huge = "9999999999999999999";
    await api.sendMessage(other.id, "?", {
      reply_markup: new InlineKeyboard().text("x", cb.campaignButton(huge, 0)),
    });
    await other.pressButton({ data: cb.campaignButton(huge, 0) });
    expect(other.callbackAnswers().at(-1)?.text).toBeUndefined();
  });

  it("a test send's press does what the button says but is not counted", async () => {
    const { user, customerId } = await customer();
    const { delivery } = await deliver(user, customerId, { kind: OutboxKind.campaignTest });
    await user.pressButton({ data: cb.campaignButton(delivery.id, 0) });
    expect(user.callbackAnswers().at(-1)?.text).toBe("Спасибо!");
    expect(await clicksOf(delivery.id)).toEqual([]);
  });

  it("'Unsubscribe' under the message: consent off, the press counted, three statements", async () => {
    const { user, customerId } = await customer("en");
    let sent: Awaited<ReturnType<typeof deliver>> | undefined;
    const { statements } = await fewestStatements({ statements: 3 }, async () => {
      await h.db.prisma.customer.update({
        where: { id: customerId },
        data: { marketingConsent: true },
      });
      const fresh = await deliver(user, customerId);
      sent = fresh;
      return {
        statements: await statementsOf(() =>
          user.pressButton({ data: cb.unsubscribe(fresh.delivery.id) }),
        ),
      };
    });
    const { delivery } = sent as Awaited<ReturnType<typeof deliver>>;
    // read; the consent with its event (one statement); the press
    expect(statements, JSON.stringify(statements)).toHaveLength(3);
    expect(await consentOf(customerId)).toBe(false);
    expect((await clicksOf(delivery.id)).map((c) => c.button)).toEqual(["unsubscribe"]);
    const reply = user.lastMessage();
    expect(reply?.text).toBe(
      "You have unsubscribed from offers. Service messages (points, receipts) will still arrive.",
    );
    expect(inlineButtons(reply).map((b) => b.text)).toEqual(["🔔 Subscribe again"]);
    // A second press is counted once and says so.
    await user.pressButton({ data: cb.unsubscribe(delivery.id) });
    expect(await clicksOf(delivery.id)).toHaveLength(1);
    expect(lastText(user)).toMatch(/^You are already unsubscribed/);

    // Service messages still go.
    await enqueueMessage(h.db.sql, {
      kind: OutboxKind.pointsAdjusted,
      customerId,
      payload: { template: "referral-credited", vars: { count: 5 } },
      service: true,
      dedupeKey: `test:service:${customerId}`,
    });
    const service = user.waitForMessage((m) => m.text?.startsWith("Your friend") === true);
    h.app.dispatcher.kick();
    await service;
  });

  it("/stop unsubscribes and a tap subscribes again; Settings' switch does the same", async () => {
    const { user, customerId } = await customer();
    await user.sendCommand("/stop");
    expect(await consentOf(customerId)).toBe(false);
    expect(lastText(user)).toMatch(/^Вы отписались/);
    await user.sendCommand("/stop");
    expect(lastText(user)).toMatch(/^Вы уже отписаны/);
    await user.pressButton({ text: "🔔 Подписаться снова" });
    expect(await consentOf(customerId)).toBe(true);
    // The button is gone from the message it was on: a second tap cannot be made.
    expect(
      user
        .messages()
        .filter((m) => inlineButtons(m).some((b) => b.text === "🔔 Подписаться снова")),
    ).toHaveLength(1);

    await user.pressReplyButton("⚙️ Настройки");
    await user.pressButton({ data: "settings:marketing:off" });
    expect(await consentOf(customerId)).toBe(false);
    await user.pressButton({ data: "settings:marketing:on" });
    expect(await consentOf(customerId)).toBe(true);
    const events = await consentEvents(customerId);
    expect(events.map((e) => (e.data as { granted: boolean }).granted)).toEqual([
      true,
      false,
      true,
      false,
      true,
    ]);
  });

  it("someone without a card gets a friendly answer to /stop and the buttons", async () => {
    const stranger = h.user({ id: nextId++, first_name: "Гость" });
    await stranger.sendCommand("/stop");
    expect(lastText(stranger)).toBe(
      "Мы не присылаем вам рассылок. Чтобы получить карту, нажмите /start.",
    );
    await api.sendMessage(stranger.id, "Акция", {
      reply_markup: new InlineKeyboard()
        .text("a", cb.campaignButton(999_999n, 0))
        .text("b", cb.unsubscribe(999_999n))
        .text("c", cb.resubscribe),
    });
    await stranger.pressButton({ data: cb.campaignButton(999_999n, 0) });
    await stranger.pressButton({ data: cb.resubscribe });
    expect(lastText(stranger)).toBe(
      "Мы не присылаем вам рассылок. Чтобы получить карту, нажмите /start.",
    );
    await until(() => stranger.callbackAnswers().length === 2, "both presses answered");
    expect(await h.db.prisma.campaignClick.count({ where: { outboxId: 999_999n } })).toBe(0);
  });
});
