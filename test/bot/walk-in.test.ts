import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffRole } from "../../core/db/client.ts";
import { formatCardNumber } from "../../core/loyalty/card-number.ts";
import { recordPurchase } from "../../core/loyalty/record-purchase.ts";
import { seedSettings } from "../../core/loyalty/settings.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { customerOf, inlineButtons, lastText, onboardedUser, texts } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { staffUser as joinAsStaff } from "../support/staff.ts";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => {
  await h?.close();
});

let nextId = 8100;

const staffUser = (role: StaffRole = "CASHIER", name = "Марина") =>
  joinAsStaff(h, { id: nextId++, role, name });

const NEW_CUSTOMER = "➕ Новый клиент";

function byPhone(phone: string) {
  return h.db.prisma.customer.findMany({
    where: { phone },
    include: { card: true, ledger: true, events: { orderBy: { id: "asc" } }, purchases: true },
  });
}

describe(`registering a walk-in customer at the till on ${testDbKind}`, () => {
  it("registers by phone and name: an active customer without Telegram, with a card and the welcome bonus", async () => {
    const { user: cashier, staff } = await staffUser();
    await cashier.pressReplyButton(NEW_CUSTOMER);
    expect(lastText(cashier)).toContain("Введите номер телефона клиента");

    // Not a phone: a sticker, then digits that are no number; each time the question stays.
    await cashier.sendSticker();
    expect(lastText(cashier)).toBe(
      "Пришлите номер телефона клиента текстом, например +7 999 123-45-67.",
    );
    await cashier.sendText("12345");
    expect(lastText(cashier)).toBe(
      "Не получилось распознать номер. Проверьте цифры и введите ещё раз, например +7 999 123-45-67.",
    );
    await cashier.sendText("8 (916) 555-12-34");
    expect(lastText(cashier)).toBe("Как зовут клиента? Напишите имя или нажмите «Пропустить».");
    await cashier.sendSticker();
    expect(lastText(cashier)).toContain("Не похоже на имя.");
    await cashier.sendText("Мария");

    const shown = texts(cashier).slice(-2);
    expect(shown[0]).toContain("✅ Клиент зарегистрирован, карта выпущена.");
    expect(shown[0]).toContain("На карту начислено 100 баллов в подарок.");
    expect(shown[1]).toContain("👤 Мария");
    expect(shown[1]).toContain("Баланс: 100 баллов");

    const [customer, ...others] = await byPhone("+79165551234");
    expect(others).toHaveLength(0);
    expect(customer).toMatchObject({
      status: "ACTIVE",
      telegramId: null,
      phoneVerified: false,
      name: "Мария",
      source: "walk_in",
      dataConsentVersion: `staff:${staff.id}`,
      marketingConsent: false,
      marketingConsentAt: null,
      card: { status: "ACTIVE", balance: 100 },
    });
    expect(shown[1]).toContain(formatCardNumber(customer?.card?.number ?? ""));
    expect(customer?.referralCode).toMatch(/^[A-Z0-9]{8}$/);
    expect(customer?.ledger.map((e) => [e.kind, e.delta])).toEqual([["WELCOME", 100]]);
    expect(customer?.events.map((e) => e.type)).toEqual([
      "customer.registered",
      "card.issued",
      "points.credited",
    ]);
    expect(customer?.events[0]?.staffId).toBe(staff.id);
    const audit = await h.db.prisma.auditEntry.findMany({
      where: { action: "customer.registered", customerId: customer?.id },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.staffId).toBe(staff.id);

    // The staff view's actions are there, as for any customer found.
    const buttons = inlineButtons(cashier.lastMessage());
    expect(buttons.map((b) => b.text)).toContain("🧾 Покупка");
  });

  it("shows the customer who already has the phone instead of registering a duplicate", async () => {
    const { user: cashier } = await staffUser();
    await cashier.pressReplyButton(NEW_CUSTOMER);
    await cashier.sendText("+7 916 555 77 00");
    await cashier.pressButton("Пропустить");
    expect(texts(cashier).at(-2)).toContain("Клиент зарегистрирован");
    // Without a name the view shows the phone.
    expect(lastText(cashier)).toContain("👤 +79165557700");

    // The same phone in another format: that customer, no name question, no second record.
    await cashier.pressReplyButton(NEW_CUSTOMER);
    await cashier.sendText("8-916-555-77-00");
    expect(texts(cashier).at(-2)).toBe(
      "Клиент с этим номером уже есть — вот его карта. Новую заводить не нужно.",
    );
    expect(lastText(cashier)).toContain("👤 +79165557700");
    expect(await byPhone("+79165557700")).toHaveLength(1);

    // A customer who joined through the bot with this phone: the same.
    const vera = await onboardedUser(h, { id: nextId++, first_name: "Вера" });
    const veraPhone = (await customerOf(h.db, vera.user))?.phone as string;
    await cashier.pressReplyButton(NEW_CUSTOMER);
    await cashier.sendText(veraPhone);
    expect(lastText(cashier)).toContain("👤 Вера");
    expect(await byPhone(veraPhone)).toHaveLength(1);
    const lookups = await h.db.prisma.auditEntry.count({
      where: { action: "customer.lookup", customerId: vera.customerId },
    });
    expect(lookups).toBe(1);
  });

  it("lets staff cancel, or leave through the menu, without registering anyone", async () => {
    const { user: cashier } = await staffUser();
    await cashier.pressReplyButton(NEW_CUSTOMER);
    await cashier.pressButton("Отмена");
    expect(lastText(cashier)).toBe("Хорошо, регистрацию отменили.");

    await cashier.pressReplyButton(NEW_CUSTOMER);
    await cashier.sendText("+7 916 555 88 00");
    await cashier.pressReplyButton("🔎 Найти клиента");
    expect(lastText(cashier)).toContain("Отсканируйте камерой телефона QR-код");
    // The next text is a lookup again, not a name.
    await cashier.sendText("+7 916 555 88 00");
    expect(lastText(cashier)).toBe(
      "Клиент не найден. Проверьте номер, телефон или имя пользователя.",
    );
    expect(await byPhone("+79165558800")).toHaveLength(0);
  });

  it("keeps the walk-in's card, balance and purchases when they join the bot with that phone, without a second welcome bonus", async () => {
    const { user: cashier, staff } = await staffUser();
    await cashier.pressReplyButton(NEW_CUSTOMER);
    await cashier.sendText("+7 916 555 99 00");
    await cashier.sendText("Ирина Соколова");
    const [walkIn] = await byPhone("+79165559900");
    if (!walkIn?.card) throw new Error("the walk-in was not registered");
    const settings = seedSettings({ welcomeBonus: 100, referralBonus: 50 });
    const bought = await recordPurchase(h.db.sql, settings, {
      actor: { staffId: staff.id, role: "CASHIER", via: "telegram", ownCustomerId: null },
      customerId: walkIn.id,
      amountMinor: 200_000n,
      category: null,
      pointsToSpend: 0,
      idempotencyKey: "walk-in-first-purchase",
    });
    const balance = bought.balance;
    expect(balance).toBeGreaterThan(100);

    // She follows a friend's invite link, then shares the same phone with the contact button.
    const friend = await onboardedUser(h, { id: nextId++, first_name: "Подруга" });
    const friendRow = await customerOf(h.db, friend.user);
    const irina = h.user({ id: nextId++, first_name: "Ира", phone_number: "+79165559900" });
    await irina.sendCommand("/start", `ref_${friendRow?.referralCode}`);
    await irina.pressButton({ data: "consent:yes" });
    await irina.pressButton({ data: "marketing:no" });
    await irina.pressButton({ data: "name:keep" });
    await irina.pressReplyButton("📱 Поделиться номером");
    expect(texts(irina)).toContain(
      "Нашли вас в нашей базе по номеру телефона — история покупок сохранена.",
    );
    await irina.pressButton({ data: "step:skip" });

    const joined = await customerOf(h.db, irina);
    expect(joined?.id).toBe(walkIn.id);
    expect(joined).toMatchObject({
      status: "ACTIVE",
      name: "Ирина Соколова",
      phoneVerified: true,
      source: "walk_in",
      // Her own consent now, not the one staff recorded; and her own answer about offers.
      dataConsentVersion: "2026-11",
      marketingConsent: false,
      // A customer before the invite: not re-referred.
      referrerId: null,
    });
    expect(joined?.card).toMatchObject({ number: walkIn.card.number, balance });
    expect(joined?.ledger.filter((e) => e.kind === "WELCOME")).toHaveLength(1);
    expect(await h.db.prisma.purchase.count({ where: { customerId: walkIn.id } })).toBe(1);
    expect(await byPhone("+79165559900")).toHaveLength(1);
    expect(await h.db.prisma.loyaltyCard.count({ where: { customerId: walkIn.id } })).toBe(1);
    // Nothing was credited twice: no welcome message, no bonus to the friend.
    expect(texts(irina).join("\n")).not.toContain("в подарок");
    expect(texts(irina).join("\n")).toContain("Готово! Ваша карта лояльности выпущена");
    expect((await customerOf(h.db, friend.user))?.card?.balance).toBe(100);

    // Her card in the bot is the one issued at the till.
    await irina.pressReplyButton("💳 Моя карта");
    expect(lastText(irina)).toContain(formatCardNumber(walkIn.card.number));
    expect(lastText(irina)).toContain(`Баланс: ${balance} балл`);
  });

  it("answers anyone who is not staff as before", async () => {
    const stranger = await onboardedUser(h, { id: nextId++, first_name: "Гость" });
    await stranger.user.sendText(NEW_CUSTOMER);
    expect(lastText(stranger.user)).not.toContain("Введите номер телефона клиента");
  });
});
