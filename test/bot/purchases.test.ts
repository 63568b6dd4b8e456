import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCardNumber } from "../../core/loyalty/card-number.ts";
import type { SimulatedUser } from "../../emulator/index.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { customerOf, lastText, onboardedUser, texts } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { staffUser, until } from "../support/staff.ts";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => {
  await h?.close();
});

let nextId = 8100;

async function customer() {
  const { user, customerId } = await onboardedUser(h, { id: nextId++, first_name: "Вера" });
  const card = (await customerOf(h.db, user))?.card;
  if (!card) throw new Error("no card");
  return { user, customerId, card };
}

const balanceOf = async (customerId: string) =>
  (await h.db.prisma.loyaltyCard.findUniqueOrThrow({ where: { customerId } })).balance;

const purchasesOf = (customerId: string) =>
  h.db.prisma.purchase.findMany({ where: { customerId }, orderBy: { createdAt: "asc" } });

/** Staff open the customer by card number and start a purchase. */
async function startPurchase(staff: SimulatedUser, cardNumber: string) {
  await staff.sendText(formatCardNumber(cardNumber));
  await staff.pressButton("🧾 Покупка");
  expect(lastText(staff)).toMatch(/^🧾 Покупка для клиента Вера\. Введите сумму чека/);
}

const receiptArrives = (user: SimulatedUser, text: string) =>
  until(() => texts(user).includes(text), `the receipt "${text}"`);

describe(`purchases and refunds in the bot on ${testDbKind}`, () => {
  it("records a purchase without spending points, once however often Confirm is pressed", async () => {
    const { user: cashier } = await staffUser(h, { id: nextId++, role: "CASHIER" });
    const { user: vera, customerId, card } = await customer();
    await startPurchase(cashier, card.number);

    // Bad amounts: each gets its own hint, and the question stays open.
    const hints: Array<[string | "sticker", string]> = [
      ["сто рублей", "Не получилось прочитать сумму. Напишите число, например 1250 или 1 250,50."],
      ["0", "Сумма должна быть больше нуля."],
      ["-500", "Сумма не может быть отрицательной. Для возврата есть кнопка «↩️ Возврат»."],
      ["12,5055", "После запятой — не больше двух цифр (копейки), например 1250,50."],
      ["5 000 000", "Слишком большая сумма: не больше 1 000 000 ₽. Проверьте, нет ли лишних цифр."],
      ["sticker", "Пришлите сумму текстом, например 1250."],
    ];
    for (const [input, hint] of hints) {
      if (input === "sticker") await cashier.sendSticker();
      else await cashier.sendText(input);
      expect(lastText(cashier)).toBe(hint);
    }
    await cashier.sendText("1 250,50");
    expect(lastText(cashier)).toBe(
      "На карте 100 баллов; к этому чеку можно списать до 100 (не больше 30 % суммы). Сколько списать? Нажмите кнопку или введите число.",
    );
    await cashier.pressButton("Не списывать");
    expect(lastText(cashier)).toBe(
      [
        "Проверьте покупку:",
        `👤 Вера · 💳 ${formatCardNumber(card.number)}`,
        "Сумма: 1 250,50 ₽ · Категория: —",
        "Списать баллов: 0 (−0 ₽)",
        "К оплате: 1 250,50 ₽",
        "Будет начислено баллов: 62",
      ].join("\n"),
    );
    // Nothing is recorded before Confirm.
    expect(await purchasesOf(customerId)).toHaveLength(0);

    // A double tap: both presses reach the bot before the buttons go away.
    await Promise.all([
      cashier.pressButton("✅ Подтвердить"),
      cashier.pressButton("✅ Подтвердить"),
    ]);
    const replies = texts(cashier).slice(-2).sort();
    expect(replies).toEqual([
      "Эта покупка уже записана — второй раз она не засчитана. Баланс клиента: 162.",
      "✅ Покупка на 1 250,50 ₽ записана. Начислено баллов: 62, списано: 0. Баланс клиента: 162.",
    ]);
    const purchases = await purchasesOf(customerId);
    expect(purchases).toHaveLength(1);
    expect(purchases[0]).toMatchObject({ amountMinor: 125_050n, pointsEarned: 62, pointsSpent: 0 });
    expect(await balanceOf(customerId)).toBe(162);

    await receiptArrives(
      vera,
      "🧾 Спасибо за покупку на 1 250,50 ₽! Начислено баллов: 62. Баланс: 162.",
    );
    const detail = await h.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } });
    expect(detail).toMatchObject({ purchaseCount: 1, totalSpentMinor: 125_050n });
    const audit = await h.db.prisma.auditEntry.findMany({
      where: { customerId, action: "purchase.recorded" },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.data).toMatchObject({ amountMinor: "125050", pointsEarned: 62 });
  });

  it("spends points up to the balance and the share of the check", async () => {
    const { user: cashier } = await staffUser(h, { id: nextId++ });
    const { user: vera, customerId, card } = await customer();
    await startPurchase(cashier, card.number);
    await cashier.sendText("200₽");
    expect(lastText(cashier)).toContain("можно списать до 60 (не больше 30 % суммы)");
    await cashier.sendText("много");
    expect(lastText(cashier)).toBe("Напишите целое число баллов от 0 до 60.");
    await cashier.sendText("100");
    expect(lastText(cashier)).toBe("Баллами можно оплатить не больше 30 % чека: это 60 баллов.");
    await cashier.pressButton("Списать 60");
    expect(lastText(cashier)).toContain("Списать баллов: 60 (−60 ₽)\nК оплате: 140 ₽\n");
    expect(lastText(cashier)).toContain("Будет начислено баллов: 7");
    await cashier.pressButton("✅ Подтвердить");
    expect(await balanceOf(customerId)).toBe(100 - 60 + 7);
    await receiptArrives(
      vera,
      "🧾 Спасибо за покупку на 200 ₽! Списано баллов: 60, оплачено деньгами 140 ₽. Начислено баллов: 7. Баланс: 47.",
    );

    // More than the balance: the share would allow 300, the card has 47.
    await startPurchase(cashier, card.number);
    await cashier.sendText("1000");
    expect(lastText(cashier)).toContain("На карте 47 баллов; к этому чеку можно списать до 47");
    await cashier.sendText("300");
    expect(lastText(cashier)).toBe("Столько баллов у клиента нет: можно списать не больше 47.");
    await cashier.pressButton("Отмена");
    expect(lastText(cashier)).toBe("Покупка отменена, ничего не записано.");
    expect(await purchasesOf(customerId)).toHaveLength(1);

    // A menu button in the middle of a purchase leaves it and does what it says.
    await startPurchase(cashier, card.number);
    await cashier.pressReplyButton("🔎 Найти клиента");
    expect(lastText(cashier)).toMatch(/^Отсканируйте камерой телефона QR-код карты клиента/);
    await cashier.sendText("500");
    expect(lastText(cashier)).not.toMatch(/^На карте/);
    expect(await purchasesOf(customerId)).toHaveLength(1);
  });

  it("records one purchase when two staff confirm the same preview, and nothing for a customer", async () => {
    const { user: cashier } = await staffUser(h, { id: nextId++ });
    const { user: manager } = await staffUser(h, { id: nextId++, role: "MANAGER", name: "Пётр" });
    const { user: vera, customerId, card } = await customer();
    const { user: stranger } = await customer();
    await startPurchase(cashier, card.number);
    await cashier.sendText("300");
    await cashier.pressButton("Не списывать");
    const preview = cashier.lastMessage();
    if (!preview) throw new Error("no preview");

    // A customer who got the preview forwarded presses Confirm: refused, nothing recorded.
    const forwarded = stranger.receiveForwarded(cashier, preview.message_id);
    await stranger.pressButton({ text: "✅ Подтвердить", messageId: forwarded });
    expect(stranger.callbackAnswers().at(-1)).toMatchObject({
      text: "Эта кнопка — только для сотрудников.",
      show_alert: true,
    });
    expect(await purchasesOf(customerId)).toHaveLength(0);
    // The staff view's buttons, forwarded, do not work for a customer either.
    await cashier.sendText(card.number);
    const view = cashier.lastMessage();
    if (!view) throw new Error("no staff view");
    const copy = vera.receiveForwarded(cashier, view.message_id);
    const before = texts(vera).length;
    await vera.pressButton({ text: "🧾 Покупка", messageId: copy });
    expect(vera.callbackAnswers().at(-1)?.text).toBe("Эта кнопка — только для сотрудников.");
    expect(texts(vera)).toHaveLength(before);

    // The same preview confirmed by another staff member (forwarded to them) and by its author.
    const managerCopy = manager.receiveForwarded(cashier, preview.message_id);
    await manager.pressButton({ text: "✅ Подтвердить", messageId: managerCopy });
    await cashier.pressButton({ text: "✅ Подтвердить", messageId: preview.message_id });
    expect(lastText(manager)).toMatch(/^✅ Покупка на 300 ₽ записана/);
    expect(lastText(cashier)).toMatch(/^Эта покупка уже записана/);
    expect(await purchasesOf(customerId)).toHaveLength(1);
  });

  it("lifts the tier with the purchase that crosses the threshold, and a refund takes it back", async () => {
    const { user: cashier } = await staffUser(h, { id: nextId++ });
    const { user: manager } = await staffUser(h, { id: nextId++, role: "MANAGER", name: "Пётр" });
    const { user: vera, customerId, card } = await customer();
    await startPurchase(cashier, card.number);
    await cashier.sendText("12000");
    await cashier.pressButton("Не списывать");
    await cashier.pressButton("✅ Подтвердить");
    expect(lastText(cashier)).toBe(
      [
        "✅ Покупка на 12 000 ₽ записана. Начислено баллов: 600, списано: 0. Баланс клиента: 700.",
        "🎉 Клиент перешёл на уровень «Серебряный».",
      ].join("\n"),
    );
    await receiptArrives(
      vera,
      "🎉 Поздравляем! Ваш новый уровень — «Серебряный». Теперь за покупки начисляется 7 % баллами.",
    );
    let detail = await h.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } });
    expect(detail).toMatchObject({ tier: "silver", tierSpendMinor: 1_200_000n });

    // Refunds: a cashier has no refund button; a manager refunds in part, then the rest.
    await cashier.sendText(card.number);
    expect(JSON.stringify(cashier.lastMessage()?.reply_markup)).not.toContain("Возврат");
    await manager.sendText(card.number);
    await manager.pressButton("↩️ Возврат");
    expect(lastText(manager)).toBe("Какую покупку вернуть?");
    await manager.pressButton({ data: "rp:0" });
    expect(lastText(manager)).toMatch(/вернуть можно до 12 000 ₽/);
    await manager.sendText("13 000");
    expect(lastText(manager)).toBe(
      "Это больше, чем осталось по покупке: вернуть можно не больше 12 000 ₽.",
    );
    await manager.sendText("3000");
    expect(lastText(manager)).toContain("Вернуть 3 000 ₽?");
    expect(lastText(manager)).toContain("С карты спишутся начисленные за покупку баллы: 150");
    await Promise.all([
      manager.pressButton("✅ Подтвердить"),
      manager.pressButton("✅ Подтвердить"),
    ]);
    expect(texts(manager).slice(-2).sort()).toEqual([
      "Этот возврат уже оформлен — второй раз он не засчитан. Баланс клиента: 550.",
      "↩️ Возврат на 3 000 ₽ оформлен. Возвращено баллов: 0, списано: 150. Баланс клиента: 550.",
    ]);
    detail = await h.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } });
    // 9 000 ₽ left still reaches no silver (10 000 ₽): the tier this purchase brought goes back.
    expect(detail).toMatchObject({
      tier: "base",
      tierSpendMinor: 900_000n,
      totalSpentMinor: 900_000n,
    });
    expect(detail.purchaseCount).toBe(1);
    await receiptArrives(
      vera,
      "↩️ Оформлен возврат на 3 000 ₽. Возвращено списанных баллов: 0, списано начисленных: 150. Баланс: 550.",
    );

    await manager.pressButton("↩️ Возврат");
    await manager.pressButton({ data: "rp:0" });
    await manager.pressButton("Вернуть всё (9 000 ₽)");
    await manager.pressButton("✅ Подтвердить");
    expect(lastText(manager)).toBe(
      "↩️ Возврат на 9 000 ₽ оформлен. Возвращено баллов: 0, списано: 450. Баланс клиента: 100.",
    );
    detail = await h.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } });
    expect(detail).toMatchObject({ purchaseCount: 0, totalSpentMinor: 0n, lastPurchaseAt: null });
    await manager.pressButton("↩️ Возврат");
    expect(lastText(manager)).toBe("У клиента нет покупок, которые можно вернуть.");
  });
});
