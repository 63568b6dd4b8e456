import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postLedgerEntry } from "../../core/loyalty/ledger.ts";
import type { SimulatedUser } from "../../emulator/index.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { customerOf, inlineButtons, lastText, onboardedUser as onboard } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { ensureQuestions, petShopQuestions } from "../support/questions.ts";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
  // The standard fields the profile edits below (already there when the default pack is).
  await ensureQuestions(
    h,
    petShopQuestions.filter((q) => ["birthday", "gender", "city", "email"].includes(q.key)),
  );
});

/** The label of a standard field's option as the bank words it (the pack's, or the owner's). */
async function optionLabel(key: string, value: string, language: "ru" | "en" = "ru") {
  const question = await h.db.prisma.question.findUniqueOrThrow({ where: { key } });
  const options = question.options as Array<{ value: string; label: { ru: string; en?: string } }>;
  const label = options.find((o) => o.value === value)?.label;
  return (language === "en" ? label?.en : undefined) ?? label?.ru ?? value;
}

/** A bank question asked from the profile: its text, with only the Cancel button under it. */
function expectEditQuestion(user: SimulatedUser, cancel = "Отмена") {
  const buttons = inlineButtons(user.lastMessage()).map((b) => b.text);
  expect(buttons.at(-1)).toBe(cancel);
}
afterAll(async () => {
  await h?.close();
});

let nextId = 3000;
async function onboardedUser(first_name = "Ольга", language_code = "ru"): Promise<SimulatedUser> {
  return (await onboard(h, { id: nextId++, first_name, language_code })).user;
}

describe(`customer menu on ${testDbKind}`, () => {
  it("shows the card with QR, balance, tier and progress; a double tap issues nothing new", async () => {
    const user = await onboardedUser();
    const before = user.messages().length;
    await Promise.all([
      user.pressReplyButton("💳 Моя карта"),
      user.pressReplyButton("💳 Моя карта"),
    ]);
    const cards = user.messages().slice(before);
    expect(cards).toHaveLength(2);
    expect(cards[0]?.photo?.bytes.subarray(1, 4).toString()).toBe("PNG");
    expect(cards[0]?.caption).toContain("Баланс: 100 баллов");
    expect(cards[0]?.caption).toContain("До уровня «Серебряный» осталось покупок на 10 000 ₽.");
    const customer = await customerOf(h.db, user);
    expect(await h.db.prisma.loyaltyCard.count({ where: { customerId: customer?.id } })).toBe(1);
    expect(customer?.card?.balance).toBe(100);
  });

  it("uploads the card's picture once and re-sends it by file_id, uploading again if Telegram lost it", async () => {
    const user = await onboardedUser("Ира");
    const photos = () =>
      h.emulator.callsOf("sendPhoto").filter((c) => Number(c.params.chat_id) === user.id);
    // Onboarding showed the card: one upload, and its file_id is kept with the card.
    expect(photos()).toHaveLength(1);
    expect(typeof photos()[0]?.params.photo).not.toBe("string");
    const card = (await customerOf(h.db, user))?.card;
    expect(card?.qrFileId).toBeTruthy();
    expect(card?.qrLink).toBe(
      `https://t.me/${h.emulator.botInfo.username}?start=card_${card?.number}`,
    );

    await user.pressReplyButton("💳 Моя карта");
    expect(photos()[1]?.params.photo).toBe(card?.qrFileId);
    expect(user.lastMessage()?.photo?.bytes.subarray(1, 4).toString()).toBe("PNG");

    // A file_id Telegram no longer knows (another bot token, say): drawn and uploaded again.
    await h.db.prisma.loyaltyCard.update({
      where: { id: card?.id },
      data: { qrFileId: "AgACAgIAAxkBAAnot-a-real-file-id" },
    });
    await user.pressReplyButton("💳 Моя карта");
    expect(user.lastMessage()?.caption).toContain("Баланс: 100 баллов");
    const renewed = (await customerOf(h.db, user))?.card?.qrFileId;
    expect(renewed).toBeTruthy();
    expect(renewed).not.toBe("AgACAgIAAxkBAAnot-a-real-file-id");
    await user.pressReplyButton("💳 Моя карта");
    expect(photos().at(-1)?.params.photo).toBe(renewed);
  });

  it("pages through the points history", async () => {
    const user = await onboardedUser();
    const customer = await customerOf(h.db, user);
    const card = customer?.card;
    if (!customer || !card) throw new Error("no card");
    for (let i = 1; i <= 11; i++) {
      await h.db.sql.transaction((tx) =>
        postLedgerEntry(tx, {
          card: { id: card.id },
          kind: "ADJUSTMENT",
          delta: i,
          idempotencyKey: `test-adjust:${customer.id}:${i}`,
        }),
      );
    }
    await user.pressReplyButton("📜 История");
    const first = lastText(user);
    expect(first).toContain("📜 История (стр. 1 из 2):");
    expect(first).toContain("+11 · корректировка");
    expect(first.split("\n")).toHaveLength(11);
    await user.pressButton("Вперёд ▶️");
    const second = user.lastMessage();
    expect(second?.edited).toBe(true);
    expect(second?.text).toContain("(стр. 2 из 2)");
    expect(second?.text).toContain("+100 · приветственный бонус");
    await user.pressButton("◀️ Назад");
    expect(user.lastMessage()?.text).toContain("(стр. 1 из 2)");
  });

  it("shows the profile and edits a field, with cancel and validation", async () => {
    const user = await onboardedUser("Павел");
    await user.pressReplyButton("👤 Профиль");
    expect(lastText(user)).toContain("Имя: Павел");
    expect(lastText(user)).toContain("Город: не указано");

    await user.pressButton("Город");
    expectEditQuestion(user);
    await user.pressButton("Отмена");
    expect(lastText(user)).toBe("Изменение отменено.");

    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("День рождения");
    await user.sendText("01.01.2100");
    expect(lastText(user)).toBe("Эта дата ещё не наступила. Проверьте, пожалуйста, год.");
    await user.sendText("02.03.1985");
    expect(lastText(user)).toBe("Сохранено ✅");

    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("Имя");
    await user.sendText("Павел Петрович");
    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("Пол");
    const male = await optionLabel("gender", "MALE");
    await user.pressButton(male);
    expect(lastText(user)).toBe("Сохранено ✅");

    await user.pressReplyButton("👤 Профиль");
    expect(lastText(user)).toContain(`Пол: ${male}`);
    expect(lastText(user)).toContain("Имя: Павел Петрович");
    expect(lastText(user)).toContain("День рождения: 02.03.1985");
    const customer = await customerOf(h.db, user);
    const edits = customer?.events.filter((e) => e.type === "profile.edited").map((e) => e.data);
    // Onboarding's name, then the edit.
    expect(edits).toEqual([{ field: "name" }, { field: "name" }]);
    // The fields of the question bank are answers, kept with their history.
    const answers = customer?.events
      .filter((e) => e.type === "question.answered")
      .map((e) => e.data);
    expect(answers).toEqual([
      { key: "birthday", source: "profile" },
      { key: "gender", source: "profile" },
    ]);
  });

  it("leaves an edit when the customer uses the menu instead of answering", async () => {
    const user = await onboardedUser("Лиза");
    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("Город");
    expectEditQuestion(user);
    await user.pressReplyButton("💳 Моя карта");
    expect(user.lastMessage()?.caption).toContain("Баланс: 100 баллов");
    await user.sendText("Самара");
    expect(lastText(user)).toContain("Я пока не понимаю это сообщение");
    expect((await customerOf(h.db, user))?.city).toBeNull();

    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("E-mail");
    await user.sendCommand("/help");
    expect(lastText(user)).toContain("Всё в меню внизу");
    expect((await customerOf(h.db, user))?.email).toBeNull();
  });

  it("changes the phone from the profile, refusing someone else's contact", async () => {
    const user = await onboardedUser("Рита");
    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("Телефон");
    await user.shareContact({ phone_number: "+79990001122", user_id: 1 });
    expect(lastText(user)).toContain("Это контакт другого человека");
    await h.db.prisma.customer.create({
      data: { referralCode: "IMPMENU1", phone: "+79990003344" },
    });
    await user.shareContact({ phone_number: "+79990003344" });
    expect(lastText(user)).toContain("уже записан в нашей базе на другую карту");
    await user.shareContact({ phone_number: "+79990001122" });
    expect(lastText(user)).toBe("Сохранено ✅");
    expect(await customerOf(h.db, user)).toMatchObject({
      phone: "+79990001122",
      phoneVerified: true,
    });
  });

  it("switches language and offers subscription in Settings", async () => {
    const user = await onboardedUser("Семён");
    await user.pressReplyButton("⚙️ Настройки");
    expect(lastText(user)).toContain("Предложения и новости: включены");
    await user.pressButton("🔕 Отписаться от предложений");
    expect(lastText(user)).toContain("Вы отписались от предложений");
    expect((await customerOf(h.db, user))?.marketingConsent).toBe(false);

    await user.pressButton({ data: "language:en" });
    expect(lastText(user)).toBe("Language set to English.");
    expect(user.currentReplyKeyboard()?.keyboard.flat()[0]?.text).toBe("💳 My card");
    await user.pressReplyButton("💳 My card");
    expect(lastText(user)).toContain("Balance: 100 points");
    const customer = await customerOf(h.db, user);
    expect(customer?.language).toBe("en");
    expect(customer?.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["consent.marketing_changed", "language.changed"]),
    );
  });

  it("asks its questions in the language chosen in Settings, not Telegram's", async () => {
    const user = await onboardedUser("Глеб", "ru");
    await user.pressReplyButton("⚙️ Настройки");
    await user.pressButton({ data: "language:en" });
    await user.pressReplyButton("👤 Profile");
    await user.pressButton("City");
    expectEditQuestion(user, "Cancel");
    expect(lastText(user)).not.toMatch(/[а-яё]/i);
    await user.sendText("A".repeat(200));
    expect(lastText(user)).not.toMatch(/[а-яё]/i);
    await user.pressButton("Cancel");
    expect(lastText(user)).toBe("Change cancelled.");

    // And back: a customer with English Telegram who chose Russian hears Russian.
    const other = await onboardedUser("Olga", "en");
    await other.pressReplyButton("⚙️ Settings");
    await other.pressButton({ data: "language:ru" });
    await other.pressReplyButton("👤 Профиль");
    await other.pressButton("Город");
    expectEditQuestion(other);
    expect(lastText(other)).toMatch(/[а-яё]/i);
  });

  it("sends the customer everything stored about them", async () => {
    const user = await onboardedUser("Таня");
    await user.pressReplyButton("🗂 Мои данные");
    await user.pressButton("📄 Выгрузить мои данные");
    const summary = user.messages().at(-2)?.text ?? "";
    expect(summary).toContain("Что мы о вас храним:");
    expect(summary).toContain("Имя: Таня");
    expect(summary).toContain(`Телефон: +7998${String(user.id).padStart(7, "0")}`);
    expect(summary).toContain("100 баллов");
    const doc = user.lastMessage()?.document;
    expect(doc?.file_name).toBe("my-data.json");
    const data = JSON.parse(doc?.bytes.toString("utf8") ?? "{}");
    expect(data.profile).toMatchObject({
      name: "Таня",
      phone: `+7998${String(user.id).padStart(7, "0")}`,
    });
    expect(data.card.balance).toBe(100);
    expect(data.card.tier).toBe("base");
    expect(data.pointsHistory).toEqual([expect.objectContaining({ kind: "WELCOME", points: 100 })]);
    expect(data.consents.dataProcessing.version).toBe("2026-11");
  });

  it("deletes the customer's data after confirmation and keeps the anonymous ledger", async () => {
    const user = await onboardedUser("Ульяна");
    const before = await customerOf(h.db, user);
    await user.pressReplyButton("🗂 Мои данные");
    await user.pressButton("🗑 Удалить мои данные");
    await user.pressButton("Отмена");
    expect(lastText(user)).toBe("Хорошо, ничего не удаляем.");
    expect((await customerOf(h.db, user))?.status).toBe("ACTIVE");

    await user.pressButton("🗑 Удалить мои данные");
    await Promise.all([user.pressButton("Да, удалить всё"), user.pressButton("Да, удалить всё")]);
    expect(user.messages().filter((m) => m.text?.startsWith("Ваши данные удалены"))).toHaveLength(
      1,
    );
    expect(await customerOf(h.db, user)).toBeNull();
    const row = await h.db.prisma.customer.findUniqueOrThrow({ where: { id: before?.id } });
    expect(row).toMatchObject({ status: "DELETED", name: null, phone: null, telegramId: null });
    expect(await h.db.prisma.pointsEntry.count({ where: { customerId: before?.id } })).toBe(1);

    // The menu no longer works for them; /start begins afresh.
    await user.sendText("💳 Моя карта");
    expect(lastText(user)).toContain("Карта ещё не выпущена");
    await user.sendCommand("/start");
    expect(lastText(user)).toContain("согласие на обработку");
  });
});
