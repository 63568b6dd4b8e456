import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RewardKind, StaffRole } from "../../core/db/client.ts";
import { formatRewardCode } from "../../core/rewards/code.ts";
import { expireRedemptions } from "../../core/rewards/expire-redemptions.ts";
import { createReward } from "../../core/rewards/manage-rewards.ts";
import { inviteStaff } from "../../core/staff/invite-staff.ts";
import type { BotMessage, SimulatedUser } from "../../emulator/index.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { customerOf, lastText, onboardedUser, texts } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { decodeQrPng } from "../support/qr.ts";
import { cliOwner, staffUser as joinAsStaff } from "../support/staff.ts";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => {
  await h?.close();
});

const DAY_MS = 86_400_000;
let nextId = 9100;

function reward(
  title: string,
  options: { cost: number; stock?: number; perCustomerLimit?: number; validDays?: number } & {
    kind?: RewardKind;
  },
) {
  return createReward(h.db.sql, {
    actor: cliOwner,
    reward: { kind: options.kind ?? "GIFT", title, ...options },
  });
}

/** An onboarded customer: 100 points of welcome bonus. */
async function customer(first_name = "Вера") {
  const { user, customerId } = await onboardedUser(h, { id: nextId++, first_name });
  return { user, customerId };
}

const staffUser = (role: StaffRole = "CASHIER", name = "Марина") =>
  joinAsStaff(h, { id: nextId++, role, name });

function buttons(message: BotMessage | undefined): Array<{ text: string; data?: string }> {
  const markup = message?.reply_markup;
  if (!markup || !("inline_keyboard" in markup)) return [];
  return markup.inline_keyboard.flat().map((button) => ({
    text: button.text,
    ...("callback_data" in button ? { data: button.callback_data } : {}),
  }));
}

/** The catalogue message's button for a reward. */
async function openCatalogue(user: SimulatedUser, title: string) {
  await user.pressReplyButton("🏆 Награды");
  const catalogue = user.lastMessage();
  const button = buttons(catalogue).find((b) => b.text.includes(title));
  if (!button?.data)
    throw new Error(`no button for ${title}: ${JSON.stringify(buttons(catalogue))}`);
  return { catalogue, button: { text: button.text, data: button.data } };
}

/** Picks a reward and returns the confirmation message. */
async function confirmation(user: SimulatedUser, title: string) {
  const { button } = await openCatalogue(user, title);
  await user.pressButton({ data: button.data });
  return user.lastMessage() as BotMessage;
}

function yes(message: BotMessage) {
  const take = buttons(message).find((b) => b.data?.startsWith("rw:take:"));
  if (!take?.data) throw new Error("no Yes button");
  return { messageId: message.message_id, data: take.data };
}

const balanceOf = async (user: SimulatedUser) => (await customerOf(h.db, user))?.card?.balance;

describe(`rewards in the bot on ${testDbKind}`, () => {
  it("from choice to use: points debited once, code and QR sent, staff mark it used once", async () => {
    const coffee = await reward("Кофе в подарок", { cost: 60, stock: 3, validDays: 30 });
    const vera = await customer("Вера");

    const { catalogue, button } = await openCatalogue(vera.user, "Кофе в подарок");
    expect(catalogue?.text).toContain("На карте: 100 баллов");
    expect(button.text).toBe("🎁 Кофе в подарок · 60 б. · осталось 3");
    await vera.user.pressButton({ data: button.data });
    const confirm = vera.user.lastMessage() as BotMessage;
    expect(confirm.text).toBe(
      "🎁 Взять «Кофе в подарок» (подарок) за 60 баллов?\nНа карте останется 40 баллов, код будет действовать 30 дней.",
    );

    // A double tap on "Yes": one redemption, one debit.
    const before = vera.user.messages().length;
    await Promise.all([vera.user.pressButton(yes(confirm)), vera.user.pressButton(yes(confirm))]);
    const sent = vera.user.messages().slice(before);
    expect(sent.filter((m) => m.photo)).toHaveLength(1);
    const redemptions = await h.db.prisma.rewardRedemption.findMany({
      where: { customerId: vera.customerId },
    });
    expect(redemptions).toHaveLength(1);
    const redemption = redemptions[0];
    if (!redemption) throw new Error("no redemption");
    expect(redemption).toMatchObject({ rewardId: coffee.id, cost: 60, status: "ISSUED" });
    expect(redemption.code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    const validFor = redemption.expiresAt.getTime() - redemption.createdAt.getTime();
    expect(validFor).toBe(30 * DAY_MS);
    expect(await balanceOf(vera.user)).toBe(40);
    const ledger = await h.db.prisma.pointsEntry.findMany({
      where: { customerId: vera.customerId, kind: "REWARD" },
    });
    expect(ledger.map((e) => [e.delta, e.idempotencyKey])).toEqual([
      [-60, `reward:${redemption.id}`],
    ]);
    expect((await h.db.prisma.reward.findUniqueOrThrow({ where: { id: coffee.id } })).stock).toBe(
      2,
    );
    const events = (await customerOf(h.db, vera.user))?.events.map((e) => e.type);
    expect(events).toContain("reward.redeemed");

    // The code as text and as a QR picture that opens the bot on it.
    const photo = sent.find((m) => m.photo);
    const code = formatRewardCode(redemption.code);
    expect(photo?.caption).toContain("🎉 Готово, награда ваша!");
    expect(photo?.caption).toContain(`Код: ${code}`);
    expect(photo?.caption).toContain("Покажите этот QR-код на кассе");
    expect(photo?.caption).toContain("Списано 60 баллов, на карте осталось 40 баллов.");
    const link = decodeQrPng(photo?.photo?.bytes as Buffer);
    expect(link).toBe(
      `https://t.me/${h.emulator.botInfo.username}?start=reward_${redemption.code}`,
    );
    expect(vera.user.callbackAnswers().at(-1)?.text).toBe("Эта награда уже ваша — код выше.");

    // "My rewards" lists it, and shows its QR again.
    await vera.user.pressButton({ data: "rw:mine" });
    expect(lastText(vera.user)).toContain(`🎁 Кофе в подарок — ${code}, до `);
    await vera.user.pressButton({ data: `rw:show:${redemption.code}` });
    expect(decodeQrPng(vera.user.lastMessage()?.photo?.bytes as Buffer)).toBe(link);

    // The customer opening their own code's link learns nothing new: their own /start.
    await vera.user.sendCommand("/start", `reward_${redemption.code}`);
    expect(lastText(vera.user)).toBe("С возвращением, Вера! Рады видеть вас снова.");

    // A cashier scans the QR code (it opens /start reward_<code>)…
    const { user: cashier, staff } = await staffUser("CASHIER", "Марина");
    await cashier.sendCommand("/start", `reward_${redemption.code}`);
    const scanned = cashier.lastMessage() as BotMessage;
    expect(scanned.text).toContain("🏆 Награда: Кофе в подарок (подарок), 60 баллов");
    expect(scanned.text).toContain("👤 Клиент: Вера");
    expect(scanned.text).toContain(`🔑 Код: ${code}`);
    expect(scanned.text).toContain("✅ Действует до ");
    expect(buttons(scanned)).toEqual([
      { text: "✅ Отметить использованным", data: `rw:use:${redemption.code}` },
    ]);
    // …or types it, in any case, with or without the dash.
    await cashier.sendText(code.toLowerCase());
    const typed = cashier.lastMessage() as BotMessage;
    expect(typed.text).toContain("👤 Клиент: Вера");
    await cashier.sendText(redemption.code);
    expect(lastText(cashier)).toContain(`🔑 Код: ${code}`);

    await cashier.pressButton({ messageId: scanned.message_id, data: `rw:use:${redemption.code}` });
    expect(lastText(cashier)).toBe(
      `✅ Готово: «Кофе в подарок» выдано клиенту Вера. Код ${code} погашен.`,
    );
    const used = await h.db.prisma.rewardRedemption.findUniqueOrThrow({
      where: { id: redemption.id },
    });
    expect(used).toMatchObject({ status: "USED", usedById: staff.id });
    expect(used.usedAt).toBeInstanceOf(Date);

    // The same button on the other view: refused, saying when and by whom.
    await cashier.pressButton({ messageId: typed.message_id, data: `rw:use:${redemption.code}` });
    expect(lastText(cashier)).toMatch(
      /^Этот код уже использован \d\d\.\d\d\.\d{4}, \d\d:\d\d \(Марина\)\. Второй раз выдать награду нельзя\.$/,
    );
    await cashier.sendText(code);
    expect(lastText(cashier)).toContain("☑️ Уже использован");
    expect(buttons(cashier.lastMessage())).toEqual([]);
    expect(
      (await h.db.prisma.rewardRedemption.findUniqueOrThrow({ where: { id: redemption.id } }))
        .usedAt,
    ).toEqual(used.usedAt);

    const audit = await h.db.prisma.auditEntry.findMany({
      where: { action: "reward.used", customerId: vera.customerId },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      staffId: staff.id,
      data: { code: redemption.code, cost: 60, title: "Кофе в подарок" },
    });
    // A used code is gone from "My rewards".
    await vera.user.pressButton({ data: "rw:mine" });
    expect(lastText(vera.user)).toBe(
      "У вас пока нет неиспользованных наград. Выберите что-нибудь в «🏆 Награды».",
    );
  });

  it("tells anyone who is not staff nothing about a code, and staff when a code does not exist", async () => {
    await reward("Чай", { cost: 10 });
    const owner_ = await customer("Анна");
    await confirmation(owner_.user, "Чай").then((c) => owner_.user.pressButton(yes(c)));
    const redemption = await h.db.prisma.rewardRedemption.findFirstOrThrow({
      where: { customerId: owner_.customerId },
    });
    const stranger = await customer("Чужой");
    await stranger.user.sendCommand("/start", `reward_${redemption.code}`);
    await stranger.user.sendText(formatRewardCode(redemption.code));
    for (const seen of texts(stranger.user)) {
      expect(seen).not.toContain("Анна");
      expect(seen).not.toContain(formatRewardCode(redemption.code));
    }
    expect(lastText(stranger.user)).toBe(
      "Я пока не понимаю это сообщение. Выберите пункт меню или нажмите /start.",
    );
    const { user: cashier } = await staffUser("CASHIER", "Олег");
    // The staff view forwarded to a customer keeps its button: pressing it changes nothing.
    await cashier.sendText(formatRewardCode(redemption.code));
    const view = cashier.lastMessage() as BotMessage;
    expect(buttons(view).map((b) => b.text)).toEqual(["✅ Отметить использованным"]);
    const copy = stranger.user.receiveForwarded(cashier, view.message_id);
    const seenBefore = texts(stranger.user).length;
    await stranger.user.pressButton({ text: "✅ Отметить использованным", messageId: copy });
    expect(stranger.user.callbackAnswers().at(-1)).toMatchObject({
      text: "Эта кнопка — только для сотрудников.",
      show_alert: true,
    });
    expect(texts(stranger.user)).toHaveLength(seenBefore);

    await cashier.sendText("ABCD-2345");
    expect(lastText(cashier)).toBe("Код награды не найден — проверьте символы.");
    await cashier.sendCommand("/start", "reward_ABCD2345");
    expect(lastText(cashier)).toBe("Код награды не найден — проверьте символы.");
    expect(
      (await h.db.prisma.rewardRedemption.findUniqueOrThrow({ where: { id: redemption.id } }))
        .status,
    ).toBe("ISSUED");
  });

  it("refuses a reward that is out of stock, and the last one goes to one customer only", async () => {
    const cake = await reward("Торт", { cost: 20, stock: 1 });
    const first = await customer("Первый");
    const second = await customer("Второй");
    // Both have the confirmation open while one is left.
    const firstConfirm = await confirmation(first.user, "Торт");
    const secondConfirm = await confirmation(second.user, "Торт");
    await first.user.pressButton(yes(firstConfirm));
    expect(first.user.lastMessage()?.photo).toBeDefined();

    await second.user.pressButton(yes(secondConfirm));
    expect(lastText(second.user)).toBe(
      "Увы, «Торт» больше нет в наличии. Загляните позже или выберите другую награду.",
    );
    expect(await balanceOf(second.user)).toBe(100);
    expect(await h.db.prisma.rewardRedemption.count({ where: { rewardId: cake.id } })).toBe(1);
    expect((await h.db.prisma.reward.findUniqueOrThrow({ where: { id: cake.id } })).stock).toBe(0);
    // The catalogue shows it locked, with none left; picking it says why.
    const { button } = await openCatalogue(second.user, "Торт");
    expect(button.text).toBe("🔒 Торт · 20 б. · осталось 0");
    await second.user.pressButton({ data: button.data });
    expect(lastText(second.user)).toContain("больше нет в наличии");
  });

  it("refuses a reward over the per-customer limit, even from a confirmation opened earlier", async () => {
    const sticker = await reward("Стикерпак", { cost: 10, perCustomerLimit: 1 });
    const anna = await customer("Анна");
    const one = await confirmation(anna.user, "Стикерпак");
    const two = await confirmation(anna.user, "Стикерпак");
    await anna.user.pressButton(yes(one));
    expect(anna.user.lastMessage()?.photo).toBeDefined();
    await anna.user.pressButton(yes(two));
    expect(lastText(anna.user)).toBe(
      "Лимит для «Стикерпак» — 1 на человека, и вы его уже исчерпали. Выберите другую награду.",
    );
    expect(await balanceOf(anna.user)).toBe(90);
    expect(
      await h.db.prisma.rewardRedemption.count({
        where: { rewardId: sticker.id, customerId: anna.customerId },
      }),
    ).toBe(1);
    const { button } = await openCatalogue(anna.user, "Стикерпак");
    expect(button.text.startsWith("🔒")).toBe(true);
    await anna.user.pressButton({ data: button.data });
    expect(lastText(anna.user)).toContain("Лимит для «Стикерпак» — 1 на человека");
    // Another customer is not held by Anna's limit.
    const boris = await customer("Борис");
    await boris.user.pressButton(yes(await confirmation(boris.user, "Стикерпак")));
    expect(boris.user.lastMessage()?.photo).toBeDefined();
  });

  it("refuses a reward the customer has not enough points for", async () => {
    const tv = await reward("Телевизор", { cost: 500 });
    const olga = await customer("Ольга");
    const { button } = await openCatalogue(olga.user, "Телевизор");
    expect(button.text).toBe("🔒 Телевизор · 500 б.");
    await olga.user.pressButton({ data: button.data });
    expect(lastText(olga.user)).toBe(
      "Для «Телевизор» нужно 500 баллов, а доступно 100 баллов. Копите дальше — всё получится!",
    );
    // Affordable when confirmed, not any more when "Yes" is pressed: refused, nothing taken.
    await h.db.prisma.reward.update({ where: { id: tv.id }, data: { cost: 80 } });
    const confirm = await confirmation(olga.user, "Телевизор");
    await h.db.prisma.reward.update({ where: { id: tv.id }, data: { cost: 120 } });
    await olga.user.pressButton(yes(confirm));
    expect(lastText(olga.user)).toBe(
      "Для «Телевизор» нужно 120 баллов, а доступно 100 баллов. Копите дальше — всё получится!",
    );
    expect(await balanceOf(olga.user)).toBe(100);
    expect(await h.db.prisma.rewardRedemption.count({ where: { rewardId: tv.id } })).toBe(0);
  });

  it("returns the points of an expired unused code, puts the stock back, and staff cannot use it", async () => {
    const cinema = await reward("Билет в кино", { cost: 30, stock: 5, validDays: 1 });
    const ivan = await customer("Иван");
    await ivan.user.pressButton(yes(await confirmation(ivan.user, "Билет в кино")));
    expect(await balanceOf(ivan.user)).toBe(70);
    const redemption = await h.db.prisma.rewardRedemption.findFirstOrThrow({
      where: { customerId: ivan.customerId },
    });

    // Nothing is due yet a minute before the code runs out.
    const early = await expireRedemptions(h.db.sql, {
      now: new Date(redemption.expiresAt.getTime() - 60_000),
    });
    expect(early.expired).toBe(0);

    const later = new Date(redemption.createdAt.getTime() + 2 * DAY_MS);
    const result = await expireRedemptions(h.db.sql, { now: later });
    expect(result.expired).toBeGreaterThanOrEqual(1);
    expect(
      (await h.db.prisma.rewardRedemption.findUniqueOrThrow({ where: { id: redemption.id } }))
        .status,
    ).toBe("EXPIRED");
    expect(await balanceOf(ivan.user)).toBe(100);
    const ledger = await h.db.prisma.pointsEntry.findMany({
      where: { customerId: ivan.customerId, kind: "REWARD" },
      orderBy: { id: "asc" },
    });
    expect(ledger.map((e) => [e.delta, e.idempotencyKey])).toEqual([
      [-30, `reward:${redemption.id}`],
      [30, `reward-return:${redemption.id}`],
    ]);
    expect((await h.db.prisma.reward.findUniqueOrThrow({ where: { id: cinema.id } })).stock).toBe(
      5,
    );
    const note = await h.db.prisma.outboxMessage.findUniqueOrThrow({
      where: { dedupeKey: `reward-expired:${redemption.id}` },
    });
    expect(note.payload).toEqual({
      template: "reward-expired-returned",
      vars: { title: "Билет в кино", count: 30 },
    });
    expect((await customerOf(h.db, ivan.user))?.events.map((e) => e.type)).toContain(
      "reward.expired",
    );

    // A second sweep (another process, a retry) returns nothing more.
    await expireRedemptions(h.db.sql, { now: later });
    expect(await balanceOf(ivan.user)).toBe(100);

    const { user: cashier } = await staffUser("CASHIER", "Пётр");
    await cashier.sendText(formatRewardCode(redemption.code));
    expect(lastText(cashier)).toContain("⌛ Срок действия кода истёк");
    expect(buttons(cashier.lastMessage())).toEqual([]);
  });

  it("the hourly job expires codes and tells the customer their points came back", async () => {
    await reward("Шоколадка", { cost: 15, validDays: 1 });
    const lena = await customer("Лена");
    await lena.user.pressButton(yes(await confirmation(lena.user, "Шоколадка")));
    expect(await balanceOf(lena.user)).toBe(85);
    const redemption = await h.db.prisma.rewardRedemption.findFirstOrThrow({
      where: { customerId: lena.customerId },
    });
    // A day has passed.
    await h.db.prisma.rewardRedemption.update({
      where: { id: redemption.id },
      data: { expiresAt: new Date(Date.now() - 60_000) },
    });
    // Before the job sweeps it, the till already refuses it as expired.
    const { user: cashier } = await staffUser("CASHIER", "Зоя");
    await cashier.sendText(formatRewardCode(redemption.code));
    expect(lastText(cashier)).toContain("⌛ Срок действия кода истёк");
    expect(buttons(cashier.lastMessage())).toEqual([]);

    const told = lena.user.waitForMessage((m) => m.text?.startsWith("⌛") ?? false, {
      timeoutMs: 10_000,
    });
    await h.app.scheduler.runNow("expire-reward-codes");
    expect((await told).text).toBe(
      "⌛ Код на «Шоколадка» истёк неиспользованным. Мы вернули на карту 15 баллов — их можно потратить снова.",
    );
    expect(await balanceOf(lena.user)).toBe(100);
  });

  it("two staff marking the same code at once: one marks it, the other hears who did", async () => {
    await reward("Блокнот", { cost: 20 });
    const client = await customer("Нина");
    await client.user.pressButton(yes(await confirmation(client.user, "Блокнот")));
    const redemption = await h.db.prisma.rewardRedemption.findFirstOrThrow({
      where: { customerId: client.customerId },
    });
    const a = await staffUser("CASHIER", "Аня");
    const b = await staffUser("MANAGER", "Боря");
    for (const { user } of [a, b]) await user.sendText(formatRewardCode(redemption.code));
    const press = (user: SimulatedUser) => user.pressButton({ data: `rw:use:${redemption.code}` });
    await Promise.all([press(a.user), press(b.user)]);
    const used = await h.db.prisma.rewardRedemption.findUniqueOrThrow({
      where: { id: redemption.id },
    });
    const [winner, loser] = used.usedById === a.staff.id ? [a, b] : [b, a];
    expect(lastText(winner.user)).toMatch(/^✅ Готово: «Блокнот» выдано клиенту Нина\./);
    expect(lastText(loser.user)).toContain(`(${winner.staff.name}). Второй раз`);
    expect(
      await h.db.prisma.auditEntry.count({
        where: { action: "reward.used", customerId: client.customerId },
      }),
    ).toBe(1);
  });

  it("a staff member cannot mark their own reward used", async () => {
    await reward("Кружка", { cost: 25 });
    const me = await customer("Вера");
    const { code } = await inviteStaff(h.db.sql, {
      actor: cliOwner,
      name: "Вера",
      role: "MANAGER",
    });
    await me.user.sendCommand("/start", `staff_${code}`);
    await me.user.pressReplyButton("💳 Я как клиент");
    await me.user.pressButton(yes(await confirmation(me.user, "Кружка")));
    const redemption = await h.db.prisma.rewardRedemption.findFirstOrThrow({
      where: { customerId: me.customerId },
    });
    await me.user.pressReplyButton("🧑‍💼 Режим сотрудника");
    await me.user.sendText(formatRewardCode(redemption.code));
    expect(lastText(me.user)).toContain(
      "Это ваша собственная награда: отметить её может другой сотрудник.",
    );
    expect(buttons(me.user.lastMessage())).toEqual([]);
  });
});
