import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatedUser } from "../../emulator/index.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { customerOf, lastText, texts } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { decodeQrPng } from "../support/qr.ts";
import { ensureQuestions, petShopQuestions } from "../support/questions.ts";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness({ env: { WELCOME_BONUS: "100", REFERRAL_BONUS: "50" } });
  // Onboarding's default question (already there when the default pack is).
  await ensureQuestions(
    h,
    petShopQuestions.filter((q) => q.key === "birthday"),
  );
});
afterAll(async () => {
  await h?.close();
});

let nextId = 2000;
function newUser(
  overrides: { first_name?: string; language_code?: string; phone_number?: string } = {},
) {
  const id = nextId++;
  return h.user({
    id,
    first_name: overrides.first_name ?? "Алиса",
    language_code: overrides.language_code ?? "ru",
    phone_number: overrides.phone_number ?? `+7999${String(id).padStart(7, "0")}`,
  });
}

/** Answers each onboarding question the happy way until the name step is shown. */
async function upToName(user: SimulatedUser, payload?: string) {
  await user.sendCommand("/start", payload);
  await user.pressButton("✅ Согласен(на)");
  await user.pressButton("🔔 Да, присылайте");
}

async function upToPhone(user: SimulatedUser, payload?: string) {
  await upToName(user, payload);
  await user.pressButton(`✅ ${user.profile.first_name}`);
}

async function onboard(user: SimulatedUser, payload?: string) {
  await upToPhone(user, payload);
  await user.pressReplyButton("📱 Поделиться номером");
  await user.pressButton("Пропустить");
}

describe(`onboarding on ${testDbKind}`, () => {
  it("takes a customer from /start src_instagram to a card with a QR code and a welcome bonus", async () => {
    const alice = newUser({ first_name: "Алиса", phone_number: "+79991234567" });
    await alice.sendCommand("/start", "src_instagram");
    expect(lastText(alice)).toContain("согласие на обработку персональных данных");

    await alice.pressButton("✅ Согласен(на)");
    expect(lastText(alice)).toContain("Присылать вам персональные предложения");
    await alice.pressButton("🔔 Да, присылайте");
    expect(lastText(alice)).toContain("Как к вам обращаться?");
    await alice.pressButton("✅ Алиса");
    expect(lastText(alice)).toContain("Поделитесь номером телефона");
    expect(alice.currentReplyKeyboard()?.keyboard.flat()).toContainEqual({
      text: "📱 Поделиться номером",
      request_contact: true,
    });
    await alice.pressReplyButton("📱 Поделиться номером");
    expect(texts(alice)).toContain("Спасибо, номер сохранён.");
    expect(lastText(alice)).toContain("Когда у вас день рождения?");
    await alice.sendText("25.12.1990");

    const card = alice.messages().find((m) => m.photo);
    expect(card?.caption).toMatch(
      /💳 Карта \d{4} \d{4} \d{4}\nБаланс: 100 баллов\nУровень: Базовый/,
    );
    expect(texts(alice)).toContain("На карту начислено 100 баллов в подарок.");
    expect(
      alice
        .currentReplyKeyboard()
        ?.keyboard.flat()
        .map((b) => b.text),
    ).toEqual([
      "💳 Моя карта",
      "🏆 Награды",
      "📜 История",
      "👤 Профиль",
      "📝 Вопросы для вас",
      "🎁 Пригласить друга",
      "⚙️ Настройки",
      "🗂 Мои данные",
    ]);

    const customer = await customerOf(h.db, alice);
    expect(customer).toMatchObject({
      status: "ACTIVE",
      name: "Алиса",
      phone: "+79991234567",
      phoneVerified: true,
      source: "instagram",
      marketingConsent: true,
      dataConsentVersion: "2026-11",
      telegramFirstName: "Алиса",
      birthMonth: 12,
      birthDay: 25,
    });
    expect(customer?.birthday?.toISOString().slice(0, 10)).toBe("1990-12-25");
    const number = customer?.card?.number ?? "";
    expect(card?.caption).toContain(number.replace(/(\d{4})(?=\d)/g, "$1 "));
    expect(decodeQrPng(card?.photo?.bytes as Buffer)).toBe(
      `https://t.me/loyalty_test_bot?start=card_${number}`,
    );
    // What the customer was told matches the ledger and the timeline.
    expect(customer?.card?.balance).toBe(100);
    expect(customer?.ledger.map((e) => [e.kind, e.delta, e.balanceAfter])).toEqual([
      ["WELCOME", 100, 100],
    ]);
    expect(customer?.events.map((e) => e.type)).toEqual([
      "bot.started",
      "consent.given",
      "consent.marketing_changed",
      "profile.edited",
      "phone.verified",
      // The birthday: an answer to the bank's question, kept in the answer log too.
      "question.answered",
      "card.issued",
      "points.credited",
    ]);
  });

  it("speaks English all the way for an English Telegram user", async () => {
    const bob = newUser({ first_name: "Bob", language_code: "en" });
    await bob.sendCommand("/start");
    await bob.pressButton("✅ I agree");
    await bob.pressButton("No, thanks");
    await bob.pressButton("✅ Bob");
    await bob.pressReplyButton("📱 Share my phone number");
    await bob.pressButton("Skip");
    expect(texts(bob)).toContain("100 points have been added to your card as a gift.");
    expect((await customerOf(h.db, bob))?.marketingConsent).toBe(false);
  });

  it("ends politely and keeps nothing personal when consent is declined", async () => {
    const carl = newUser({ first_name: "Carl" });
    await carl.sendCommand("/start", "src_flyer");
    await carl.pressButton("Нет, спасибо");
    expect(lastText(carl)).toContain("Мы не сохранили ваши данные");
    const customer = await customerOf(h.db, carl);
    expect(customer).toMatchObject({
      status: "DECLINED",
      name: null,
      telegramFirstName: null,
      phone: null,
    });
    expect(customer?.dataConsentDeclinedAt).not.toBeNull();
    expect(customer?.card).toBeNull();
    // Changing their mind later works.
    await carl.sendCommand("/start");
    expect(texts(carl)).toContain(
      "Вы раньше отказались от обработки данных. Если передумали — продолжим.",
    );
    expect(lastText(carl)).toContain("согласие на обработку");
  });

  it("answers stickers, photos and voice where text or a button is expected, and asks again", async () => {
    const dina = newUser({ first_name: "Дина" });
    await dina.sendCommand("/start");
    await dina.sendSticker();
    expect(lastText(dina)).toBe("Пожалуйста, нажмите одну из кнопок выше.");
    await dina.pressButton("✅ Согласен(на)");
    await dina.pressButton("Не нужно");
    await dina.sendPhoto();
    expect(lastText(dina)).toBe("Пожалуйста, ответьте текстом.");
    await dina.sendText("Дина");
    await dina.sendVoice();
    expect(lastText(dina)).toContain(
      "Пожалуйста, нажмите кнопку «Поделиться номером» или введите номер",
    );
    expect((await customerOf(h.db, dina))?.phone).toBeNull();
  });

  it("refuses a 10,000-character name and accepts emoji and mixed scripts", async () => {
    const user = newUser({ first_name: "X" });
    await upToName(user);
    await user.sendText("Я".repeat(10_000));
    expect(lastText(user)).toBe("Слишком длинно — имя должно быть не длиннее 64 символов.");
    await user.sendText("🌸🌸🌸");
    expect(lastText(user)).toBe("В имени должна быть хотя бы одна буква.");
    await user.sendText("  Анна-Мария 🌸 Smith  ");
    expect(lastText(user)).toContain("Поделитесь номером телефона");
    expect((await customerOf(h.db, user))?.name).toBe("Анна-Мария 🌸 Smith");
  });

  it("rejects someone else's contact and explains a wrong number", async () => {
    const user = newUser({ first_name: "Ева" });
    await upToPhone(user);
    await user.shareContact({ phone_number: "+79997776655", user_id: 424242 });
    expect(lastText(user)).toContain("Это контакт другого человека");
    await user.shareContact({ phone_number: "+79997776655", user_id: null });
    expect(lastText(user)).toContain("Это контакт другого человека");
    await user.sendText("12345");
    expect(lastText(user)).toContain("Не получилось распознать номер");
    expect((await customerOf(h.db, user))?.phone).toBeNull();
    // A typed foreign number is valid, stored in E.164, but not marked verified.
    await user.sendText("+44 20 7946 0958");
    expect(texts(user)).toContain("Спасибо, номер сохранён.");
    expect(await customerOf(h.db, user)).toMatchObject({
      phone: "+442079460958",
      phoneVerified: false,
    });
  });

  it("does not accept a birthday in the future", async () => {
    const user = newUser({ first_name: "Фёдор" });
    await upToPhone(user);
    await user.pressReplyButton("📱 Поделиться номером");
    await user.sendText("01.01.2099");
    expect(lastText(user)).toBe("Эта дата ещё не наступила. Проверьте, пожалуйста, год.");
    await user.sendText("31.02.1990");
    expect(lastText(user)).toContain("Не получилось распознать дату");
    await user.sendText("01.03.1990");
    expect((await customerOf(h.db, user))?.status).toBe("ACTIVE");
  });

  it("counts a double tap on consent once and a double tap on the last button once", async () => {
    const user = newUser({ first_name: "Глеб" });
    await user.sendCommand("/start");
    await Promise.all([user.pressButton("✅ Согласен(на)"), user.pressButton("✅ Согласен(на)")]);
    await user.pressButton("🔔 Да, присылайте");
    await user.pressButton("✅ Глеб");
    await user.pressReplyButton("📱 Поделиться номером");
    await Promise.all([user.pressButton("Пропустить"), user.pressButton("Пропустить")]);

    const customer = await customerOf(h.db, user);
    expect(customer?.events.filter((e) => e.type === "consent.given")).toHaveLength(1);
    expect(customer?.ledger).toHaveLength(1);
    expect(await h.db.prisma.loyaltyCard.count({ where: { customerId: customer?.id } })).toBe(1);
    expect(user.messages().filter((m) => m.photo)).toHaveLength(1);
    // Every press got an answer, so no button spins forever in the customer's app.
    expect(user.callbackAnswers().length).toBe(6);
  });

  it("resumes at the same question after /start in the middle", async () => {
    const user = newUser({ first_name: "Иван" });
    await upToPhone(user);
    await user.sendCommand("/start");
    expect(texts(user)).toContain("Продолжим с того места, где остановились.");
    expect(lastText(user)).toContain("Поделитесь номером телефона");
    await user.pressReplyButton("📱 Поделиться номером");
    await user.pressButton("Пропустить");
    const customer = await customerOf(h.db, user);
    expect(customer?.status).toBe("ACTIVE");
    expect(customer?.events.filter((e) => e.type === "consent.given")).toHaveLength(1);
    expect(await h.db.prisma.customer.count({ where: { telegramId: BigInt(user.id) } })).toBe(1);
  });

  it("continues where the customer was after the bot restarts mid-conversation", async () => {
    const user = newUser({ first_name: "Жанна" });
    await user.sendCommand("/start");
    await user.pressButton("✅ Согласен(на)");
    await h.restart();
    await user.pressButton("🔔 Да, присылайте");
    expect(lastText(user)).toContain("Как к вам обращаться?");
    await user.pressButton("✅ Жанна");
    await h.restart();
    await user.pressReplyButton("📱 Поделиться номером");
    await user.pressButton("Пропустить");
    expect((await customerOf(h.db, user))?.status).toBe("ACTIVE");
  });

  it("picks up again after the customer blocked the bot mid-onboarding and came back", async () => {
    const user = newUser({ first_name: "Зоя" });
    await upToName(user);
    await user.blockBot();
    expect((await customerOf(h.db, user))?.reachable).toBe(false);
    await user.unblockBot();
    await user.sendCommand("/start");
    expect(lastText(user)).toContain("Как к вам обращаться?");
    await user.pressButton("✅ Зоя");
    await user.pressReplyButton("📱 Поделиться номером");
    await user.pressButton("Пропустить");
    expect(await customerOf(h.db, user)).toMatchObject({ status: "ACTIVE", reachable: true });
  });

  it("credits the referrer once and tells them; an unknown referral code is just ignored", async () => {
    const referrer = newUser({ first_name: "Кира" });
    await onboard(referrer);
    const code = (await customerOf(h.db, referrer))?.referralCode;
    await referrer.pressReplyButton("🎁 Пригласить друга");
    expect(lastText(referrer)).toContain(`https://t.me/loyalty_test_bot?start=ref_${code}`);
    const invite = referrer.lastMessage()?.reply_markup;
    const share =
      invite && "inline_keyboard" in invite ? invite.inline_keyboard[0]?.[0] : undefined;
    expect(share?.text).toBe("📤 Отправить другу");
    const shareUrl = new URL((share as { url: string }).url);
    expect(shareUrl.origin + shareUrl.pathname).toBe("https://t.me/share/url");
    expect(shareUrl.searchParams.get("url")).toBe(
      `https://t.me/loyalty_test_bot?start=ref_${code}`,
    );

    const friend = newUser({ first_name: "Лев" });
    // The referrer hears through the outbox, moments after the friend's card is issued.
    const told = referrer.waitForMessage((m) => m.text?.startsWith("Ваш друг") ?? false);
    await onboard(friend, `ref_${code}`);
    expect((await told).text).toBe("Ваш друг оформил карту — вам начислено 50 баллов! 🎉");
    const referrerRow = await customerOf(h.db, referrer);
    expect(referrerRow?.card?.balance).toBe(150);
    expect((await customerOf(h.db, friend))?.referrerId).toBe(referrerRow?.id);
    expect((await customerOf(h.db, friend))?.source).toBe("referral");

    const stranger = newUser({ first_name: "Мила" });
    await onboard(stranger, "ref_NOSUCH99");
    expect(await customerOf(h.db, stranger)).toMatchObject({ status: "ACTIVE", referrerId: null });
    expect((await customerOf(h.db, referrer))?.card?.balance).toBe(150);
  });

  it("recognises a customer imported with the same phone and merges instead of duplicating", async () => {
    const imported = await h.db.prisma.customer.create({
      data: {
        referralCode: "IMPORT42",
        phone: "+79995550001",
        name: "Нина Иванова",
        source: "import",
      },
    });
    const nina = newUser({ first_name: "Нина", phone_number: "+79995550001" });
    await upToPhone(nina);
    await nina.pressReplyButton("📱 Поделиться номером");
    expect(texts(nina)).toContain(
      "Нашли вас в нашей базе по номеру телефона — история покупок сохранена.",
    );
    await nina.pressButton("Пропустить");
    const merged = await customerOf(h.db, nina);
    expect(merged?.id).toBe(imported.id);
    expect(merged).toMatchObject({ status: "ACTIVE", name: "Нина Иванова", source: "import" });
    expect(await h.db.prisma.customer.count({ where: { phone: "+79995550001" } })).toBe(1);
  });
});
