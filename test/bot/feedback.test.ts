import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerFeedback } from "../../core/feedback/answer-feedback.ts";
import { requestFeedback } from "../../core/feedback/request-feedback.ts";
import { formatCardNumber } from "../../core/loyalty/card-number.ts";
import { recordPurchase } from "../../core/loyalty/record-purchase.ts";
import { LoyaltySettingsStore } from "../../core/loyalty/settings-store.ts";
import type { SimulatedUser } from "../../emulator/index.ts";
import { apiCaller } from "../support/api.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { customerOf, inlineButtons, lastText, onboardedUser, texts } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { staffUser, until } from "../support/staff.ts";

const timeZone = "Europe/Moscow";
/** `hour`:`minute` in Moscow (UTC+3 all year) on day `n` (5 January 2027 is day 1). */
const at = (n: number, hour: number, minute = 0) =>
  new Date(Date.UTC(2027, 0, 4 + n, hour - 3, minute));

// The jobs and the outbox dispatcher share the simulated clock; the bot replies at once.
let clock = at(0, 12);
let h: BotHarness;
let cashier: Awaited<ReturnType<typeof staffUser>>;
beforeAll(async () => {
  h = await startBotHarness({ dispatcher: { now: () => clock } });
  cashier = await staffUser(h, { id: 9400, name: "Марина" });
});
afterAll(async () => {
  await h?.close();
});

let nextId = 9401;
const settingsStore = () =>
  new LoyaltySettingsStore(h.db.sql, { welcomeBonus: 100, referralBonus: 50 }).get();

/** The job as the scheduler runs it, at `now`. */
async function runJob(now: Date) {
  clock = now;
  return requestFeedback(h.db.sql, { settings: await settingsStore(), timeZone, now });
}

async function buyer(name = "Вера") {
  const { user, customerId } = await onboardedUser(h, { id: nextId++, first_name: name });
  return { user, customerId };
}

let purchaseKey = 0;
async function purchase(customerId: string, now: Date, amountMinor = 125_050n) {
  clock = now;
  const { purchase } = await recordPurchase(h.db.sql, await settingsStore(), {
    actor: cashier.actor,
    customerId,
    amountMinor,
    category: null,
    pointsToSpend: 0,
    idempotencyKey: `feedback-test:${purchaseKey++}`,
    now,
  });
  return purchase;
}

const feedbackOf = (customerId: string) => h.db.prisma.feedback.findMany({ where: { customerId } });
const requestsOf = (customerId: string) =>
  h.db.prisma.outboxMessage.findMany({ where: { customerId, kind: "feedback_request" } });

async function arrives(user: SimulatedUser, start: string) {
  await until(() => texts(user).some((t) => t.startsWith(start)), `"${start}"`);
  return user.messages().findLast((m) => (m.text ?? "").startsWith(start));
}

describe(`feedback after a purchase on ${testDbKind}`, () => {
  it("goes from a low score to the staff member's answer reaching the customer", async () => {
    await cashier.user.sendCommand("/feedback_on");
    expect(lastText(cashier.user)).toBe(
      "🔔 Теперь вам будут приходить низкие оценки клиентов. Отключить: /feedback_off",
    );
    const staff = await h.db.prisma.staffMember.findUniqueOrThrow({
      where: { id: cashier.staff.id },
    });
    expect(staff.receivesFeedback).toBe(true);

    const { user: vera, customerId } = await buyer();
    const card = (await customerOf(h.db, vera))?.card;
    const bought = await purchase(customerId, at(1, 12));
    // Two hours after the purchase, not a minute before.
    expect(await runJob(at(1, 13, 59))).toEqual({ requested: 0 });
    expect(await runJob(at(1, 14))).toEqual({ requested: 1 });
    const request = await arrives(vera, "Как прошёл ваш визит 5 января?");
    expect(request?.text).toBe(
      "Как прошёл ваш визит 5 января? Оцените, пожалуйста, от 1 до 5 — это займёт секунду.",
    );
    expect(inlineButtons(request).map((b) => b.text)).toEqual(["1", "2", "3", "4", "5"]);
    expect(
      (await h.db.prisma.purchase.findUniqueOrThrow({ where: { id: bought.id } }))
        .feedbackRequestedAt,
    ).toEqual(at(1, 14));

    await vera.pressButton("2");
    expect(lastText(vera)).toBe(
      "Жаль, что так вышло 😔 Что пошло не так? Напишите, пожалуйста, — мы обязательно разберёмся.",
    );
    expect(inlineButtons(vera.lastMessage()).map((b) => b.text)).toEqual(["Не хочу писать"]);
    const [given] = await feedbackOf(customerId);
    expect(given).toMatchObject({ purchaseId: bought.id, scale: "rating", score: 2 });
    expect(given?.status).toBe("OPEN");

    // Bad input loses nothing: the question stays open.
    await vera.sendSticker();
    expect(lastText(vera)).toBe(
      "Напишите, пожалуйста, словами, что пошло не так, или нажмите «Не хочу писать».",
    );
    await vera.sendText("а".repeat(2001));
    expect(lastText(vera)).toBe(
      "Получилось длинновато: 2\u00a0001 символов, а помещается 2\u00a0000. Сократите, пожалуйста, и пришлите ещё раз.",
    );
    await vera.sendText("  Долго ждали кофе, минут двадцать.  ");
    expect(lastText(vera)).toBe("Спасибо, что написали. Мы разберёмся и ответим вам.");
    const commented = await h.db.prisma.feedback.findUniqueOrThrow({ where: { id: given?.id } });
    expect(commented.comment).toBe("Долго ждали кофе, минут двадцать.");
    const after = await customerOf(h.db, vera);
    expect(after?.openQuestion).toBeNull();
    expect(after?.events.filter((e) => e.type === "feedback.given")).toHaveLength(1);

    const alert = await arrives(cashier.user, "⚠️ Низкая оценка: 2 из 5");
    expect(alert?.text).toBe(
      [
        "⚠️ Низкая оценка: 2 из 5",
        `👤 Вера · 📞 ${after?.phone} · 💳 ${formatCardNumber(card?.number ?? "")}`,
        "🧾 Покупка 5 января на 1 250,50 ₽",
        "💬 «Долго ждали кофе, минут двадцать.»",
      ].join("\n"),
    );
    expect(inlineButtons(alert).map((b) => b.text)).toEqual(["✍️ Ответить"]);

    await cashier.user.pressButton("✍️ Ответить");
    expect(lastText(cashier.user)).toBe("Напишите ответ клиенту Вера — он придёт от имени Aurora.");
    await cashier.user.sendSticker();
    expect(lastText(cashier.user)).toBe("Пришлите ответ текстом или нажмите «Отмена».");
    await cashier.user.sendText("Простите нас! Следующий кофе — за наш счёт.");
    expect(lastText(cashier.user)).toBe("✅ Ответ отправлен клиенту, отзыв закрыт.");

    await arrives(vera, "💬 Ответ от Aurora:");
    expect(lastText(vera)).toBe("💬 Ответ от Aurora:\nПростите нас! Следующий кофе — за наш счёт.");
    const closed = await h.db.prisma.feedback.findUniqueOrThrow({ where: { id: given?.id } });
    expect(closed).toMatchObject({
      status: "CLOSED",
      answer: "Простите нас! Следующий кофе — за наш счёт.",
      answeredById: cashier.staff.id,
    });
    expect(closed.closedAt).not.toBeNull();
    const audit = await h.db.prisma.auditEntry.findMany({
      where: { customerId, action: "feedback.answered" },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.staffId).toBe(cashier.staff.id);
    const answered = (await customerOf(h.db, vera))?.events.filter(
      (e) => e.type === "feedback.answered",
    );
    expect(answered).toHaveLength(1);

    // The alert's button again: answered already, and by whom.
    await cashier.user.pressButton("✍️ Ответить");
    expect(lastText(cashier.user)).toBe("На этот отзыв уже ответил(а) Марина.");
  });

  it("alerts staff without words when the customer would rather not say", async () => {
    const { user: ivan, customerId } = await buyer("Иван");
    await purchase(customerId, at(2, 11));
    await runJob(at(2, 13, 5));
    await arrives(ivan, "Как прошёл ваш визит 6 января?");
    await ivan.pressButton("1");
    await ivan.pressButton("Не хочу писать");
    expect(lastText(ivan)).toBe("Хорошо. Спасибо за оценку — мы постараемся стать лучше.");
    const alert = await arrives(cashier.user, "⚠️ Низкая оценка: 1 из 5");
    expect(alert?.text).toContain("👤 Иван");
    expect(alert?.text).toContain("Клиент не стал писать, что не так.");
    // Any text now is not a comment any more.
    await ivan.sendText("кстати");
    expect(lastText(ivan)).not.toBe("Спасибо, что написали. Мы разберёмся и ответим вам.");
    const [item] = await feedbackOf(customerId);
    expect(item).toMatchObject({ score: 1, comment: null, status: "OPEN" });
  });

  it("offers the review page after a high score when the owner set one", async () => {
    const call = apiCaller(() => h.app.httpUrl, "test-admin-token-0123456789abcdef");
    const current = (await call("GET", "/api/settings/loyalty")).body;
    const reviewUrl = "https://yandex.ru/maps/org/aurora/1234567890/reviews/";
    const changed = await call("PUT", "/api/settings/loyalty", {
      feedback: { ...current.settings.feedback, reviewUrl },
    });
    expect(changed.status).toBe(200);

    const { user: olga, customerId } = await buyer("Ольга");
    await purchase(customerId, at(3, 12));
    await runJob(at(3, 14, 30));
    await arrives(olga, "Как прошёл ваш визит 7 января?");
    await olga.pressButton("5");
    expect(lastText(olga)).toBe(
      "Спасибо, очень рады! 🙌 Если не сложно, оставьте, пожалуйста, отзыв — это нам очень поможет.",
    );
    const [button] = inlineButtons(olga.lastMessage());
    expect(button).toMatchObject({ text: "⭐ Оставить отзыв", url: reviewUrl });
    const [item] = await feedbackOf(customerId);
    expect(item).toMatchObject({ score: 5, status: null });

    // A middling score: thanks, no link, nothing for staff.
    const { user: petr, customerId: petrId } = await buyer("Пётр");
    await purchase(petrId, at(3, 12));
    await runJob(at(3, 14, 35));
    await arrives(petr, "Как прошёл ваш визит 7 января?");
    await petr.pressButton("4");
    expect(lastText(petr)).toBe("Спасибо за оценку!");
    expect(inlineButtons(petr.lastMessage())).toEqual([]);
  });

  it("does not ask at night: an evening purchase is asked about the next morning", async () => {
    const { user, customerId } = await buyer();
    await purchase(customerId, at(5, 21, 50));
    expect((await runJob(at(5, 23, 50))).requested).toBe(0);
    expect((await runJob(at(6, 9, 55))).requested).toBe(0);
    expect(await requestsOf(customerId)).toHaveLength(0);
    expect((await runJob(at(6, 10, 0))).requested).toBe(1);
    await arrives(user, "Как прошёл ваш визит 9 января?");
  });

  it("records a double tap on a score once", async () => {
    const { user, customerId } = await buyer();
    await purchase(customerId, at(8, 12));
    await runJob(at(8, 14, 10));
    await arrives(user, "Как прошёл ваш визит 12 января?");
    await Promise.all([user.pressButton("4"), user.pressButton("4")]);
    expect(await feedbackOf(customerId)).toHaveLength(1);
    expect(texts(user).filter((t) => t === "Спасибо за оценку!")).toHaveLength(1);
    // The second press found the question answered already: not current any more.
    expect(user.callbackAnswers().map((a) => a.text ?? "")).toContain(
      "Этот вопрос уже неактуален.",
    );
    // Nor is a request's button once another question took its place.
    await purchase(customerId, at(9, 12));
    await runJob(at(9, 14, 10));
    await arrives(user, "Как прошёл ваш визит 13 января?");
    await h.db.prisma.customer.update({
      where: { id: customerId },
      data: {
        openQuestion: {
          kind: "question",
          token: "newer",
          questionId: "00000000-0000-4000-8000-000000000000",
          key: "city",
          version: 1,
          surveyId: null,
          askedAt: at(9, 15).toISOString(),
        },
      },
    });
    const answered = user.callbackAnswers().length;
    await user.pressButton("2");
    expect(
      user
        .callbackAnswers()
        .slice(answered)
        .map((a) => a.text),
    ).toEqual(["Этот вопрос уже неактуален."]);
    expect(await feedbackOf(customerId)).toHaveLength(1);
  });

  it("asks once per customer and day, about the latest purchase, however many runs overlap", async () => {
    const first = await buyer();
    const second = await buyer();
    const morning = await purchase(first.customerId, at(10, 10, 30));
    const noon = await purchase(first.customerId, at(10, 12, 0));
    await purchase(second.customerId, at(10, 11, 0));
    const now = at(10, 14, 15);
    clock = now;
    const settings = await settingsStore();
    const run = () => requestFeedback(h.db.sql, { settings, timeZone, now, batchSize: 1 });
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.requested + b.requested).toBe(2);
    const requests = await requestsOf(first.customerId);
    expect(requests.map((r) => r.dedupeKey)).toEqual([`feedback:${noon.id}`]);
    expect(await requestsOf(second.customerId)).toHaveLength(1);

    // A purchase later that day is not asked about, nor the morning's the next day.
    await purchase(first.customerId, at(10, 16, 0));
    await runJob(at(10, 18, 30));
    await runJob(at(11, 12, 0));
    expect(await requestsOf(first.customerId)).toHaveLength(1);
    const untouched = await h.db.prisma.purchase.findUniqueOrThrow({ where: { id: morning.id } });
    expect(untouched.feedbackRequestedAt).toBeNull();
    await arrives(first.user, "Как прошёл ваш визит 14 января?");
    expect(texts(first.user).filter((t) => t.startsWith("Как прошёл"))).toHaveLength(1);
  });

  it("keeps one answer when two staff answer at once", async () => {
    const other = await staffUser(h, { id: 9499, name: "Олег" });
    const { user, customerId } = await buyer();
    await purchase(customerId, at(13, 12));
    await runJob(at(13, 14, 0));
    await arrives(user, "Как прошёл ваш визит 17 января?");
    await user.pressButton("1");
    await user.sendText("Грубый кассир");
    const [item] = await feedbackOf(customerId);
    const answer = (actor: typeof cashier.actor, text: string) =>
      answerFeedback(h.db.sql, {
        actor,
        feedbackId: item?.id ?? "",
        answer: text,
        business: "Aurora",
      });
    const results = await Promise.all([
      answer(cashier.actor, "Разберёмся, простите."),
      answer(other.actor, "Нам очень жаль."),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(["already_answered", "answered"]);
    const replies = await h.db.prisma.outboxMessage.findMany({
      where: { customerId, kind: "feedback_reply" },
    });
    expect(replies).toHaveLength(1);
  });
});
