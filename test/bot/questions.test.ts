import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateCustomer } from "../../core/db/tables/customers.ts";
import { selectQuestions } from "../../core/db/tables/questions.ts";
import { enqueueMessage } from "../../core/outbox/enqueue.ts";
import { OutboxKind } from "../../core/outbox/message.ts";
import { skipOpenQuestion } from "../../core/questions/answer-open-question.ts";
import { newQuestionToken, type OpenQuestion } from "../../core/questions/open-question.ts";
import { questionPayload } from "../../core/questions/question-message.ts";
import type { SimulatedUser } from "../../emulator/index.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { inlineButtons, lastText, onboardedUser, texts } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { ensureQuestions } from "../support/questions.ts";
import { staffUser } from "../support/staff.ts";

/**
 * Answering the open question in the bot: every type with its validation, stickers, stale and
 * doubled buttons, questions removed or changed while open, Skip and Later. Questions are put
 * to the customer the way the progressive job does it: the open question on the customer and
 * the message through the outbox.
 */
let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
  await ensureQuestions(h, [
    { key: "q_note", type: "text", text: { ru: "Что вам нравится у нас?" } },
    {
      key: "q_pets",
      type: "number",
      text: { ru: "Сколько у вас питомцев?" },
      min: 1,
      max: 10,
    },
    {
      key: "q_installed",
      type: "date",
      text: { ru: "Когда установили кондиционер?" },
      min: -3650,
      max: 0,
    },
    { key: "birthday", type: "date", text: { ru: "Когда у вас день рождения?" } },
    {
      key: "q_species",
      type: "single_choice",
      text: { ru: "Кто ваш питомец?" },
      options: [
        { value: "dog", label: { ru: "Собака" } },
        { value: "cat", label: { ru: "Кошка" } },
      ],
    },
    {
      key: "q_treats",
      type: "multiple_choice",
      text: { ru: "Что покупаете чаще всего?" },
      options: [
        { value: "food", label: { ru: "Корм" } },
        { value: "toys", label: { ru: "Игрушки" } },
        { value: "care", label: { ru: "Уход" } },
      ],
    },
    { key: "q_car", type: "yes_no", text: { ru: "Вы приезжаете на машине?" } },
    { key: "q_stars", type: "rating", text: { ru: "Как вам новый зал?" } },
    { key: "q_recommend", type: "nps", text: { ru: "Порекомендуете нас друзьям?" } },
    { key: "q_phone", type: "phone", text: { ru: "Рабочий телефон?" } },
    { key: "q_email", type: "email", text: { ru: "E-mail для чеков?" } },
    { key: "q_size", type: "text", text: { ru: "Ваш размер одежды?" }, required: true },
    { key: "q_removed", type: "text", text: { ru: "Вопрос, который уберут" } },
    { key: "q_changed", type: "text", text: { ru: "Любимый цвет?" } },
  ]);
});
afterAll(async () => {
  await h?.close();
});

let nextId = 10_100;
async function customer(): Promise<{ user: SimulatedUser; customerId: string }> {
  return onboardedUser(h, { id: nextId++ });
}

/** Opens `key` for the customer and sends it through the outbox, as the progressive job does. */
async function ask(who: { user: SimulatedUser; customerId: string }, key: string) {
  const question = (await selectQuestions(h.db.sql)).find((q) => q.key === key);
  if (!question) throw new Error(`no question ${key}`);
  const token = newQuestionToken();
  const open: OpenQuestion = {
    kind: "question",
    token,
    questionId: question.id,
    key,
    version: question.version,
    surveyId: null,
    askedAt: new Date().toISOString(),
  };
  const arrived = who.user.waitForMessage((m) => m.text?.includes(question.text.ru) ?? false);
  await h.db.sql.transaction(async (tx) => {
    await updateCustomer(tx, who.customerId, { openQuestion: open }, { at: new Date() });
    await enqueueMessage(tx, {
      kind: OutboxKind.question,
      customerId: who.customerId,
      payload: questionPayload(question, token, { later: true }),
      service: true,
      dedupeKey: `test:${token}`,
    });
  });
  const message = await arrived;
  return { token, message, question };
}

async function stored(customerId: string) {
  return h.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } });
}

async function answersTo(customerId: string, key: string) {
  return h.db.prisma.surveyAnswer.findMany({
    where: { customerId, question: { key } },
    orderBy: { createdAt: "asc" },
  });
}

async function attribute(customerId: string, key: string): Promise<unknown> {
  return ((await stored(customerId)).attributes as Record<string, unknown>)[key];
}

/** Sends `text` and expects the specific hint; the question stays open. */
async function refused(user: SimulatedUser, customerId: string, text: string, hint: string) {
  await user.sendText(text);
  expect(lastText(user)).toBe(hint);
  expect((await stored(customerId)).openQuestion).not.toBeNull();
}

const THANKS = "Спасибо, записали ✅";

describe(`answering questions in the bot on ${testDbKind}`, () => {
  it("text: an answer is saved to attributes; 10,000 characters are refused and nothing is lost", async () => {
    const who = await customer();
    await ask(who, "q_note");
    await refused(
      who.user,
      who.customerId,
      "очень ".repeat(1700),
      "Слишком длинно — не больше 500 символов.",
    );
    await who.user.sendText("  Вежливые   продавцы ");
    expect(lastText(who.user)).toBe(THANKS);
    expect(await attribute(who.customerId, "q_note")).toBe("Вежливые продавцы");
    const saved = await stored(who.customerId);
    expect(saved.openQuestion).toBeNull();
    const [answer] = await answersTo(who.customerId, "q_note");
    expect(answer).toMatchObject({ source: "progressive", value: "Вежливые продавцы" });
    const event = await h.db.prisma.customerEvent.findFirst({
      where: { customerId: who.customerId, type: "question.answered" },
    });
    expect(event?.data).toMatchObject({ key: "q_note", source: "progressive" });
  });

  it("number: words and numbers out of range get their hint; the answer stays a number", async () => {
    const who = await customer();
    await ask(who, "q_pets");
    await refused(
      who.user,
      who.customerId,
      "два",
      "Это не похоже на число. Напишите только цифры, например 3.",
    );
    await refused(who.user, who.customerId, "15", "Нужно число от 1 до 10.");
    await who.user.sendText("3");
    expect(lastText(who.user)).toBe(THANKS);
    expect(await attribute(who.customerId, "q_pets")).toBe(3);
  });

  it("date: 31.02 does not exist, dates outside the bounds are refused, the answer is YYYY-MM-DD", async () => {
    const who = await customer();
    await ask(who, "q_installed");
    await refused(
      who.user,
      who.customerId,
      "31.02.2024",
      "Не получилось распознать дату. Напишите её так: 25.12.1990.",
    );
    const nextYear = new Date().getUTCFullYear() + 1;
    await refused(
      who.user,
      who.customerId,
      `01.06.${nextYear}`,
      "Эта дата ещё не наступила. Проверьте, пожалуйста, год.",
    );
    await who.user.sendText("01.01.1990");
    expect(lastText(who.user)).toMatch(/^Нужна дата с \d\d\.\d\d\.\d{4} по \d\d\.\d\d\.\d{4}\.$/);
    await who.user.sendText("15.05.2024");
    expect(lastText(who.user)).toBe(THANKS);
    expect(await attribute(who.customerId, "q_installed")).toBe("2024-05-15");
  });

  it("birthday: not in the future, not 150 years ago; saved on the profile", async () => {
    const who = await customer();
    await ask(who, "birthday");
    const nextYear = new Date().getUTCFullYear() + 1;
    await refused(
      who.user,
      who.customerId,
      `25.12.${nextYear}`,
      "Эта дата ещё не наступила. Проверьте, пожалуйста, год.",
    );
    await refused(
      who.user,
      who.customerId,
      `25.12.${nextYear - 151}`,
      "Похоже, в годе опечатка. Напишите дату так: 25.12.1990.",
    );
    await who.user.sendText("25.12.1990");
    expect(lastText(who.user)).toBe(THANKS);
    const saved = await stored(who.customerId);
    expect(saved.birthday?.toISOString().slice(0, 10)).toBe("1990-12-25");
    expect(saved.birthMonth).toBe(12);
  });

  it("single choice: a typed option not in the list is refused, a typed label or a button counts", async () => {
    const who = await customer();
    const { message } = await ask(who, "q_species");
    expect(inlineButtons(message).map((b) => b.text)).toEqual([
      "Собака",
      "Кошка",
      "Пропустить",
      "Спросите позже",
    ]);
    await refused(
      who.user,
      who.customerId,
      "Хомяк",
      "Такого варианта нет в списке — нажмите одну из кнопок.",
    );
    await who.user.pressButton("Кошка");
    expect(lastText(who.user)).toBe(THANKS);
    expect(await attribute(who.customerId, "q_species")).toBe("cat");
    // The buttons of the answered message are gone.
    const answered = who.user.messages().find((m) => m.message_id === message.message_id);
    expect(inlineButtons(answered)).toEqual([]);

    await ask(who, "q_species");
    await who.user.sendText("собака");
    expect(lastText(who.user)).toBe(THANKS);
    expect(await attribute(who.customerId, "q_species")).toBe("dog");
  });

  it("multiple choice: options are ticked and unticked, Done with nothing ticked is refused", async () => {
    const who = await customer();
    const { message } = await ask(who, "q_treats");
    const labels = () =>
      inlineButtons(who.user.messages().find((m) => m.message_id === message.message_id)).map(
        (b) => b.text,
      );
    await who.user.pressButton("✔️ Готово");
    expect(lastText(who.user)).toBe("Отметьте хотя бы один вариант, затем нажмите «Готово».");
    expect((await stored(who.customerId)).openQuestion).not.toBeNull();

    await who.user.pressButton("Корм");
    await who.user.pressButton("Уход");
    expect(labels()).toEqual([
      "✅ Корм",
      "Игрушки",
      "✅ Уход",
      "✔️ Готово",
      "Пропустить",
      "Спросите позже",
    ]);
    await who.user.pressButton("✅ Корм");
    await who.user.pressButton("Игрушки");
    expect(labels().slice(0, 3)).toEqual(["Корм", "✅ Игрушки", "✅ Уход"]);
    await refused(
      who.user,
      who.customerId,
      "Игрушки",
      "Такого варианта нет в списке — нажмите одну из кнопок.",
    );
    await who.user.pressButton("✔️ Готово");
    expect(lastText(who.user)).toBe(THANKS);
    expect(await attribute(who.customerId, "q_treats")).toEqual(["toys", "care"]);
  });

  it("yes/no, rating and NPS: buttons, typed forms, and NPS 11 refused with the range", async () => {
    const who = await customer();
    await ask(who, "q_car");
    await refused(who.user, who.customerId, "может быть", "Пожалуйста, нажмите одну из кнопок.");
    await who.user.pressButton("Да");
    expect(await attribute(who.customerId, "q_car")).toBe(true);

    await ask(who, "q_stars");
    await refused(who.user, who.customerId, "6", "Нужна оценка от 1 до 5 — нажмите кнопку.");
    await who.user.pressButton("4");
    expect(lastText(who.user)).toBe(THANKS);
    expect(await attribute(who.customerId, "q_stars")).toBe(4);

    const { message } = await ask(who, "q_recommend");
    expect(inlineButtons(message).filter((b) => /^\d+$/.test(b.text))).toHaveLength(11);
    await refused(who.user, who.customerId, "11", "Нужна оценка от 0 до 10 — нажмите кнопку.");
    await who.user.sendText("9");
    expect(lastText(who.user)).toBe(THANKS);
    expect(await attribute(who.customerId, "q_recommend")).toBe(9);
  });

  it("phone and e-mail: refused with a hint, stored normalised", async () => {
    const who = await customer();
    await ask(who, "q_phone");
    await refused(
      who.user,
      who.customerId,
      "123",
      "Не получилось распознать номер. Введите его в формате +7 999 123-45-67 или нажмите кнопку «Поделиться номером».",
    );
    await who.user.sendText("8 (999) 000-11-22");
    expect(lastText(who.user)).toBe(THANKS);
    expect(await attribute(who.customerId, "q_phone")).toBe("+79990001122");

    await ask(who, "q_email");
    await refused(
      who.user,
      who.customerId,
      "anna@",
      "Это не похоже на e-mail. Пример: anna@example.com",
    );
    await who.user.sendText("Anna@Example.com");
    expect(await attribute(who.customerId, "q_email")).toBe("anna@example.com");
  });

  it("a sticker, a photo or a voice message is not an answer: a hint, and the question stays open", async () => {
    const who = await customer();
    await ask(who, "q_note");
    await who.user.sendSticker();
    expect(lastText(who.user)).toBe("Пожалуйста, ответьте текстом.");
    await who.user.sendVoice();
    expect(lastText(who.user)).toBe("Пожалуйста, ответьте текстом.");
    await ask(who, "q_car");
    await who.user.sendPhoto();
    expect(lastText(who.user)).toBe("Пожалуйста, нажмите одну из кнопок.");
    expect(await answersTo(who.customerId, "q_car")).toHaveLength(0);
    expect((await stored(who.customerId)).openQuestion).not.toBeNull();
  });

  it("menu buttons and commands are not answers: the question stays open", async () => {
    const who = await customer();
    await ask(who, "q_note");
    await who.user.pressReplyButton("📜 История");
    await who.user.sendCommand("/help");
    expect(texts(who.user)).not.toContain(THANKS);
    expect(await answersTo(who.customerId, "q_note")).toHaveLength(0);
    await who.user.sendText("Кофе у входа");
    expect(lastText(who.user)).toBe(THANKS);
  });

  it("'Questions for you' without surveys asks the open question again, or says there is none", async () => {
    const who = await customer();
    await who.user.pressReplyButton("📝 Вопросы для вас");
    expect(lastText(who.user)).toBe("Сейчас новых вопросов нет — спасибо, что заглянули!");
    await ask(who, "q_car");
    await who.user.pressReplyButton("📝 Вопросы для вас");
    expect(lastText(who.user)).toBe("Вы приезжаете на машине?");
    await who.user.pressButton("Нет");
    expect(lastText(who.user)).toBe(THANKS);
    expect(await attribute(who.customerId, "q_car")).toBe(false);
  });

  it("a question removed while open: thanked, nothing saved, the open question cleared", async () => {
    const who = await customer();
    await ask(who, "q_removed");
    await h.db.prisma.question.update({ where: { key: "q_removed" }, data: { active: false } });
    await who.user.sendText("Ответ на старый вопрос");
    expect(lastText(who.user)).toBe("Этот вопрос больше не задаётся — всё равно спасибо!");
    expect(await answersTo(who.customerId, "q_removed")).toHaveLength(0);
    expect((await stored(who.customerId)).openQuestion).toBeNull();
  });

  it("a question changed while open: the customer is asked its current version", async () => {
    const who = await customer();
    const { token } = await ask(who, "q_changed");
    await h.db.prisma.question.update({
      where: { key: "q_changed" },
      data: { text: { ru: "Любимый цвет одежды?" }, version: { increment: 1 } },
    });
    await who.user.sendText("Синий");
    const [changed, asked] = texts(who.user).slice(-2);
    expect(changed).toBe("Вопрос изменился — вот его новая версия:");
    expect(asked).toBe("Любимый цвет одежды?");
    expect(await answersTo(who.customerId, "q_changed")).toHaveLength(0);
    const open = (await stored(who.customerId)).openQuestion as { token: string; version: number };
    expect(open.token).not.toBe(token);
    expect(open.version).toBe(2);
    await who.user.sendText("Зелёный");
    expect(lastText(who.user)).toBe(THANKS);
    expect(await attribute(who.customerId, "q_changed")).toBe("Зелёный");
  });

  it("a button of an older question, pressed after a newer one was asked, does nothing", async () => {
    const who = await customer();
    const older = await ask(who, "q_car");
    await ask(who, "q_stars");
    await who.user.pressButton({ data: `q:${older.token}:a:1` });
    expect(who.user.callbackAnswers().at(-1)?.text).toBe("Этот вопрос уже неактуален.");
    expect(await answersTo(who.customerId, "q_car")).toHaveLength(0);
    const open = (await stored(who.customerId)).openQuestion as { key: string };
    expect(open.key).toBe("q_stars");
  });

  it("a double tap on an answer saves it once", async () => {
    const who = await customer();
    const { token } = await ask(who, "q_stars");
    await Promise.all([
      who.user.pressButton({ data: `q:${token}:a:5` }),
      who.user.pressButton({ data: `q:${token}:a:5` }),
    ]);
    expect(await answersTo(who.customerId, "q_stars")).toHaveLength(1);
    expect(texts(who.user).filter((t) => t === THANKS)).toHaveLength(1);
  });

  it("a changed answer keeps its history; the profile holds the latest", async () => {
    const who = await customer();
    await ask(who, "q_pets");
    await who.user.sendText("2");
    await ask(who, "q_pets");
    await who.user.sendText("4");
    const answers = await answersTo(who.customerId, "q_pets");
    expect(answers.map((a) => a.value)).toEqual([2, 4]);
    expect(await attribute(who.customerId, "q_pets")).toBe(4);
  });

  it("Skip counts towards never asking again; Later puts the question off by laterDays", async () => {
    const who = await customer();
    await ask(who, "q_species");
    await who.user.pressButton("Пропустить");
    expect(lastText(who.user)).toBe("Хорошо, пропустим.");
    let saved = await stored(who.customerId);
    expect(saved.openQuestion).toBeNull();
    expect(saved.questionSkips).toEqual({ q_species: { skips: 1 } });

    await ask(who, "q_car");
    const before = Date.now();
    await who.user.pressButton("Спросите позже");
    expect(lastText(who.user)).toBe("Хорошо, спросим в другой раз.");
    saved = await stored(who.customerId);
    expect(saved.openQuestion).toBeNull();
    const later = (saved.questionSkips as Record<string, { skips: number; laterUntil: string }>)
      .q_car;
    expect(later?.skips).toBe(0);
    const days = (new Date(later?.laterUntil ?? 0).getTime() - before) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);
    const events = await h.db.prisma.customerEvent.findMany({
      where: { customerId: who.customerId, type: "question.skipped" },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ key: "q_species", action: "skip" }),
      expect.objectContaining({ key: "q_car", action: "later" }),
    ]);
  });

  it("a required question offers no Skip", async () => {
    const who = await customer();
    const { message, token } = await ask(who, "q_size");
    expect(inlineButtons(message).map((b) => b.text)).toEqual(["Спросите позже"]);
    // A forged Skip (Telegram clients send only the buttons shown) is refused all the same.
    const skipped = await skipOpenQuestion(h.db.sql, {
      customer: await stored(who.customerId),
      token,
      action: "skip",
      required: true,
      laterDays: 7,
      settings: { eventBonuses: {} },
    });
    expect(skipped.kind).toBe("stale");
    expect((await stored(who.customerId)).questionSkips).toEqual({});
    await who.user.sendText("M");
    expect(await attribute(who.customerId, "q_size")).toBe("M");
  });

  it("active staff answer with buttons; what they type is a customer lookup", async () => {
    const who = await customer();
    await staffUser(h, { id: who.user.id, role: "CASHIER", name: "Кира" });
    await ask(who, "q_car");
    await who.user.sendText("да");
    expect(texts(who.user)).not.toContain(THANKS);
    expect(await answersTo(who.customerId, "q_car")).toHaveLength(0);
    await who.user.pressButton("Да");
    expect(lastText(who.user)).toBe(THANKS);
    expect(await answersTo(who.customerId, "q_car")).toHaveLength(1);
  });
});
