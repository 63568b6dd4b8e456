import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffRole } from "../../core/db/client.ts";
import { formatCardNumber } from "../../core/loyalty/card-number.ts";
import { inviteStaff } from "../../core/staff/invite-staff.ts";
import { registerWalkIn } from "../../core/staff/register-walk-in.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { customerOf, inlineButtons, lastText, onboardedUser, texts } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { cliOwner, staffUser as joinAsStaff } from "../support/staff.ts";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => {
  await h?.close();
});

let nextId = 8600;
let nextPhone = 1000;

const staffUser = async (role: StaffRole, name = "Пётр") =>
  (await joinAsStaff(h, { id: nextId++, role, name })).user;

/** A customer who joined through the bot, with their card. */
async function botCustomer(first_name = "Аня") {
  const { user, customerId } = await onboardedUser(h, { id: nextId++, first_name });
  const card = (await customerOf(h.db, user))?.card;
  if (!card) throw new Error("no card");
  return { user, customerId, card };
}

/** A customer registered at the till, without Telegram. */
async function walkIn(name: string) {
  const phone = `+7916444${String(nextPhone++).padStart(4, "0")}`;
  const result = await registerWalkIn(h.db.sql, {
    actor: cliOwner,
    phone,
    name,
    phoneRegion: "RU",
    welcomeBonus: 100,
  });
  if (result.kind !== "registered") throw new Error("not registered");
  return { customerId: result.customer.id, card: result.card, phone };
}

const MERGE = "🔗 Объединить карты";

describe(`merging two cards in the bot on ${testDbKind}`, () => {
  it("finds the other card, shows both, and merges once however often Confirm is pressed", async () => {
    const manager = await staffUser("MANAGER");
    // Registered at the till first (the older record), then joined the bot with another phone.
    const shop = await walkIn("Анна Петрова");
    const anya = await botCustomer("Аня");

    await manager.sendText(anya.card.number);
    await manager.pressButton(MERGE);
    expect(lastText(manager)).toContain("Пришлите номер второй карты");

    // A typo in the card number, the same card, a sticker: each answered, the question stays.
    const n = shop.card.number;
    await manager.sendText(`${n.slice(0, 11)}${(Number(n[11]) + 1) % 10}`);
    expect(lastText(manager)).toBe("Карты с таким номером нет — проверьте цифры.");
    await manager.sendText(anya.card.number);
    expect(lastText(manager)).toBe(
      "Это та же самая карта. Пришлите номер другой карты или телефон.",
    );
    await manager.sendSticker();
    expect(lastText(manager)).toBe(
      "Пришлите номер карты (12 цифр), телефон или @username клиента.",
    );

    await manager.sendText(shop.phone);
    const preview = lastText(manager);
    expect(preview).toContain("Объединить карты?");
    expect(preview.indexOf(formatCardNumber(anya.card.number))).toBeLessThan(
      preview.indexOf("Будет закрыта"),
    );
    expect(preview.indexOf(formatCardNumber(shop.card.number))).toBeGreaterThan(
      preview.indexOf("Будет закрыта"),
    );
    expect(preview).toContain("100 баллов и все покупки перейдут");

    const confirm = manager.lastMessage();
    const data = inlineButtons(confirm)[0];
    if (!data || !("callback_data" in data)) throw new Error("no Confirm button");
    // A double tap: both presses reach the bot.
    await Promise.all([
      manager.pressButton({ messageId: confirm?.message_id, data: data.callback_data }),
      manager.pressButton({ messageId: confirm?.message_id, data: data.callback_data }),
    ]);
    const after = texts(manager).slice(-2);
    expect(after[0]).toBe("✅ Карты объединены. Перенесено 100 баллов.");
    expect(after[1]).toContain("👤 Анна Петрова");
    expect(after[1]).toContain(formatCardNumber(anya.card.number));
    expect(after[1]).toContain("Баланс: 200 баллов");
    expect(manager.callbackAnswers().map((a) => a.text)).toContain("Эти карты уже объединены.");

    const kept = await customerOf(h.db, anya.user);
    expect(kept).toMatchObject({ id: anya.customerId, name: "Анна Петрова", phone: shop.phone });
    expect(kept?.card?.balance).toBe(200);
    const sum = kept?.ledger.reduce((total, e) => total + e.delta, 0);
    expect(sum).toBe(200);
    expect(
      await h.db.prisma.auditEntry.count({
        where: { action: "customers.merged", customerId: anya.customerId },
      }),
    ).toBe(1);
    const retired = await h.db.prisma.loyaltyCard.findUniqueOrThrow({
      where: { id: shop.card.id },
    });
    expect(retired).toMatchObject({ status: "CLOSED", balance: 0 });

    // The closed card is no longer found; the phone now finds the kept customer.
    await manager.sendText(shop.card.number);
    expect(lastText(manager)).toBe(
      "Клиент не найден. Проверьте номер, телефон или имя пользователя.",
    );
    await manager.sendText(shop.phone);
    expect(lastText(manager)).toContain(formatCardNumber(anya.card.number));
  });

  it("refuses two Telegram accounts and one's own card, and can be cancelled", async () => {
    const manager = await staffUser("MANAGER", "Ольга");
    const a = await botCustomer("Лиза");
    const b = await botCustomer("Маша");
    await manager.sendText(a.card.number);
    await manager.pressButton(MERGE);
    await manager.sendText(b.card.number);
    expect(lastText(manager)).toBe(
      "У обоих клиентов свой аккаунт Telegram — это два разных человека, их карты не объединяются.",
    );

    // A manager who is also a customer does not merge a card into their own.
    const me = await botCustomer("Вера");
    const { code } = await inviteStaff(h.db.sql, {
      actor: cliOwner,
      name: "Вера",
      role: "MANAGER",
    });
    await me.user.sendCommand("/start", `staff_${code}`);
    const shop = await walkIn("Вера Кассовая");
    await me.user.sendText(shop.card.number);
    await me.user.pressButton(MERGE);
    await me.user.sendText(me.card.number);
    expect(lastText(me.user)).toBe(
      "Это ваша собственная карта: объединить её может другой сотрудник.",
    );

    await manager.sendText(shop.card.number);
    await manager.pressButton(MERGE);
    await manager.pressButton("Отмена");
    expect(lastText(manager)).toBe("Хорошо, объединение отменили.");
    await manager.sendText(a.card.number);
    await manager.pressButton(MERGE);
    await manager.sendText(shop.phone);
    await manager.pressButton("Отмена");
    expect(lastText(manager)).toBe("Хорошо, объединение отменили.");
    expect(await h.db.prisma.auditEntry.count({ where: { action: "customers.merged" } })).toBe(1);
  });

  it("gives a cashier no merge button and refuses one pressed anyway, or by a customer from a forward", async () => {
    const cashier = await staffUser("CASHIER", "Марина");
    const manager = await staffUser("MANAGER", "Игорь");
    const a = await botCustomer("Зоя");
    const shop = await walkIn("Зоя Кассовая");

    await cashier.sendText(a.card.number);
    const labels = inlineButtons(cashier.lastMessage()).map((b) => b.text);
    expect(labels).toContain("🧾 Покупка");
    expect(labels).not.toContain(MERGE);

    // The manager's preview, forwarded to the cashier and to a customer: pressing does nothing.
    await manager.sendText(a.card.number);
    await manager.pressButton(MERGE);
    await manager.sendText(shop.phone);
    const preview = manager.lastMessage();
    if (!preview) throw new Error("no preview");
    const merge = manager
      .messages()
      .findLast((m) => inlineButtons(m).some((b) => b.text === MERGE));
    if (!merge) throw new Error("no staff view with the merge button");
    for (const presser of [cashier, a.user]) {
      const copy = presser.receiveForwarded(manager, preview.message_id);
      await presser.pressButton({ messageId: copy, text: "✅ Объединить" });
      const view = presser.receiveForwarded(manager, merge.message_id);
      await presser.pressButton({ messageId: view, text: MERGE });
    }
    // Each press is answered with a refusal (the forwarded copies sit in the chats too).
    const refusals = (user: typeof cashier, text: string) =>
      texts(user).filter((t) => t === text).length;
    expect(refusals(cashier, "Ваша роль не позволяет это сделать.")).toBe(2);
    expect(refusals(a.user, "У вас больше нет доступа к функциям сотрудника.")).toBe(2);
    expect(lastText(cashier)).not.toContain("Пришлите номер второй карты");
    expect(
      await h.db.prisma.auditEntry.count({
        where: { customerId: a.customerId, action: "customers.merged" },
      }),
    ).toBe(0);
    expect((await customerOf(h.db, a.user))?.card?.balance).toBe(100);
  });
});
