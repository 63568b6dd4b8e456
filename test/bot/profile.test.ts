import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatedUser } from "../../emulator/index.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { customerOf, inlineButtons, lastText, onboardedUser as onboard } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { ensureQuestions, petShopQuestions } from "../support/questions.ts";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
  // Before the first update: the app reads the bank once and keeps it for a while.
  await ensureQuestions(h, petShopQuestions);
});
afterAll(async () => {
  await h?.close();
});

let nextId = 9600;
async function onboardedUser(first_name = "Вера", language_code = "ru") {
  return onboard(h, { id: nextId++, first_name, language_code });
}

async function answersOf(customerId: string, key: string) {
  return h.db.prisma.surveyAnswer.findMany({
    where: { customerId, question: { key } },
    orderBy: { createdAt: "asc" },
  });
}

async function attributesOf(user: SimulatedUser) {
  return (await customerOf(h.db, user))?.attributes as Record<string, unknown>;
}

describe(`"My profile" with the question bank on ${testDbKind}`, () => {
  it("lists name, phone and unset standard fields, and offers a button per active question", async () => {
    const { user } = await onboardedUser();
    await user.pressReplyButton("👤 Профиль");
    const view = lastText(user);
    expect(view).toContain("Имя: Вера");
    expect(view).toMatch(/Телефон: \+7998\d{7}/);
    expect(view).toContain("День рождения: не указано");
    expect(view).toContain("Город: не указано");
    // The owner's own questions appear once answered, not as a list of "not set".
    expect(view).not.toContain("Кто ваш питомец?");
    expect(view).not.toContain("Старый вопрос");

    const buttons = inlineButtons(user.lastMessage());
    const data = buttons.map((b) => ("callback_data" in b ? b.callback_data : ""));
    expect(data).toEqual(
      expect.arrayContaining([
        "edit:name",
        "edit:phone",
        "edit:birthday",
        "edit:pet_species",
        "edit:pet_count",
        "edit:pet_treats",
        "edit:has_car",
      ]),
    );
    expect(data).not.toContain("edit:old_question");
    expect(buttons.map((b) => b.text)).toContain("Кто ваш питомец?");
  });

  it("edits custom fields of every kind, with hints for bad input, and shows them formatted", async () => {
    const { user, customerId } = await onboardedUser("Ника");

    // A single choice: a word that is not an option gets a hint; a button answers.
    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("Кто ваш питомец?");
    expect(lastText(user)).toBe("Кто ваш питомец?");
    expect(inlineButtons(user.lastMessage()).map((b) => b.text)).toEqual([
      "Собака",
      "Кошка",
      "Другое",
      "Отмена",
    ]);
    await user.sendText("хомяк");
    expect(lastText(user)).toBe("Такого варианта нет в списке — нажмите одну из кнопок.");
    await user.sendSticker();
    expect(lastText(user)).toBe("Пожалуйста, нажмите одну из кнопок выше.");
    await user.pressButton("Кошка");
    expect(lastText(user)).toBe("Сохранено ✅");
    expect((await attributesOf(user)).pet_species).toBe("cat");

    // A number: words, a fraction out of range and a number out of range get their hints.
    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("Сколько у вас питомцев?");
    expect(lastText(user)).toContain("Сколько у вас питомцев?");
    await user.sendText("много");
    expect(lastText(user)).toBe("Это не похоже на число. Напишите только цифры, например 3.");
    await user.sendText("11");
    expect(lastText(user)).toBe("Нужно число от 1 до 10.");
    await user.sendSticker();
    expect(lastText(user)).toBe("Пожалуйста, ответьте текстом.");
    await user.sendText("2");
    expect(lastText(user)).toBe("Сохранено ✅");
    expect((await attributesOf(user)).pet_count).toBe(2);

    // A multiple choice: "Done" with nothing ticked gets a hint; ticks show on the buttons.
    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("Что покупаете чаще всего?");
    const question = user.lastMessage();
    await user.pressButton("✔️ Готово");
    expect(lastText(user)).toBe("Отметьте хотя бы один вариант, затем нажмите «Готово».");
    await user.pressButton({ messageId: question?.message_id as number, text: "Корм" });
    await user.pressButton({ messageId: question?.message_id as number, text: "Уход" });
    const ticked = user.messages().find((m) => m.message_id === question?.message_id);
    expect(inlineButtons(ticked).map((b) => b.text)).toEqual([
      "✅ Корм",
      "Игрушки",
      "✅ Уход",
      "✔️ Готово",
      "Отмена",
    ]);
    await user.pressButton({ messageId: question?.message_id as number, text: "✔️ Готово" });
    expect(lastText(user)).toBe("Сохранено ✅");
    expect((await attributesOf(user)).pet_treats).toEqual(["food", "care"]);

    // Yes/no, and a standard field (the birthday keeps its own checks).
    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("Вы приезжаете на машине?");
    await user.pressButton("Да");
    expect(lastText(user)).toBe("Сохранено ✅");
    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("День рождения");
    await user.sendText("31.02.1990");
    expect(lastText(user)).toBe("Не получилось распознать дату. Напишите её так: 25.12.1990.");
    await user.sendText("01.01.2100");
    expect(lastText(user)).toBe("Эта дата ещё не наступила. Проверьте, пожалуйста, год.");
    await user.sendText("25.12.1990");
    expect(lastText(user)).toBe("Сохранено ✅");

    await user.pressReplyButton("👤 Профиль");
    const view = lastText(user);
    expect(view).toContain("День рождения: 25.12.1990");
    expect(view).toContain("Кто ваш питомец? Кошка");
    expect(view).toContain("Сколько у вас питомцев? 2");
    expect(view).toContain("Что покупаете чаще всего? Корм, Уход");
    expect(view).toContain("Вы приезжаете на машине? Да");

    const customer = await customerOf(h.db, user);
    expect(customer?.attributes).toEqual({
      pet_species: "cat",
      pet_count: 2,
      pet_treats: ["food", "care"],
      has_car: true,
    });
    expect(customer?.birthday?.toISOString().slice(0, 10)).toBe("1990-12-25");
    const answered = customer?.events.filter((e) => e.type === "question.answered");
    expect(answered?.map((e) => e.data)).toEqual([
      { key: "pet_species", source: "profile" },
      { key: "pet_count", source: "profile" },
      { key: "pet_treats", source: "profile" },
      { key: "has_car", source: "profile" },
      { key: "birthday", source: "profile" },
    ]);

    // A changed answer replaces the profile's value and keeps the old one in the log.
    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("Кто ваш питомец?");
    await user.pressButton("Собака");
    expect((await attributesOf(user)).pet_species).toBe("dog");
    expect((await answersOf(customerId, "pet_species")).map((a) => [a.value, a.source])).toEqual([
      ["cat", "profile"],
      ["dog", "profile"],
    ]);
  });

  it("cancels an edit, leaves it for the menu, and ignores a button of the cancelled question", async () => {
    const { user, customerId } = await onboardedUser("Рита");
    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("Кто ваш питомец?");
    const cancelled = user.lastMessage();
    await user.pressButton("Отмена");
    expect(lastText(user)).toBe("Изменение отменено.");
    // The question's buttons went with the cancel.
    expect(
      inlineButtons(user.messages().find((m) => m.message_id === cancelled?.message_id)),
    ).toEqual([]);

    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("Сколько у вас питомцев?");
    await user.pressReplyButton("💳 Моя карта");
    expect(user.lastMessage()?.caption).toContain("Баланс: 100 баллов");
    await user.sendText("3");
    expect(lastText(user)).toContain("Я пока не понимаю это сообщение");

    // A question asked from the profile then left: its button no longer answers anything.
    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("Кто ваш питомец?");
    const left = user.lastMessage();
    await user.pressReplyButton("👤 Профиль");
    await user.pressButton({ messageId: left?.message_id as number, text: "Кошка" });

    expect(await attributesOf(user)).toEqual({});
    expect(await h.db.prisma.surveyAnswer.count({ where: { customerId } })).toBe(0);
  });

  it("speaks English and formats answers the English way", async () => {
    const { user } = await onboardedUser("Kate", "en");
    await user.pressReplyButton("👤 Profile");
    await user.pressButton("Do you come by car?");
    expect(inlineButtons(user.lastMessage()).map((b) => b.text)).toEqual(["Yes", "No", "Cancel"]);
    await user.pressButton("No");
    expect(lastText(user)).toBe("Saved ✅");
    await user.pressReplyButton("👤 Profile");
    await user.pressButton("Who is your pet?");
    await user.pressButton("Dog");
    await user.pressReplyButton("👤 Profile");
    expect(lastText(user)).toContain("Do you come by car? No");
    expect(lastText(user)).toContain("Who is your pet? Dog");
    expect(lastText(user)).toContain("Birthday: not set");
  });
});

describe(`Settings: questions from us on ${testDbKind}`, () => {
  it("turns questions off and on, closing the open question; a double tap records nothing twice", async () => {
    const { user, customerId } = await onboardedUser("Зоя");
    await h.db.prisma.customer.update({
      where: { id: customerId },
      data: {
        openQuestion: {
          kind: "question",
          token: "tok123",
          questionId: "00000000-0000-0000-0000-000000000000",
          key: "pet_species",
          version: 1,
          surveyId: null,
          askedAt: new Date().toISOString(),
        },
      },
    });

    await user.pressReplyButton("⚙️ Настройки");
    expect(lastText(user)).toContain("Вопросы от нас: вкл");
    const settings = user.lastMessage();
    // A double tap: both presses leave before the first is handled.
    await Promise.all([
      user.pressButton("🤫 Вопросы от нас: выключить"),
      user.pressButton("🤫 Вопросы от нас: выключить"),
    ]);
    expect(lastText(user)).toBe(
      "Больше не будем задавать вопросы. Изменить можно здесь же, в «Настройках».",
    );
    const edited = user.messages().find((m) => m.message_id === settings?.message_id);
    expect(edited?.text).toContain("Вопросы от нас: выкл");
    expect(inlineButtons(edited).map((b) => b.text)).toContain("💬 Вопросы от нас: включить");

    const customer = await customerOf(h.db, user);
    expect(customer?.questionsEnabled).toBe(false);
    expect(customer?.openQuestion).toBeNull();
    const changes = () =>
      h.db.prisma.customerEvent.findMany({
        where: { customerId, type: "questions.preference_changed" },
        orderBy: { id: "asc" },
      });
    expect((await changes()).map((e) => e.data)).toEqual([{ enabled: false }]);

    await user.pressButton("💬 Вопросы от нас: включить");
    expect(lastText(user)).toBe(
      "Хорошо, иногда будем задавать вопрос-другой, чтобы лучше вас знать.",
    );
    expect((await customerOf(h.db, user))?.questionsEnabled).toBe(true);
    expect((await changes()).map((e) => e.data)).toEqual([{ enabled: false }, { enabled: true }]);
  });
});

describe(`"My data" with answers and feedback on ${testDbKind}`, () => {
  it("exports the answers, attributes, question settings and feedback, and deletes them all", async () => {
    const { user, customerId } = await onboardedUser("Майя");
    await user.pressReplyButton("👤 Профиль");
    await user.pressButton("Кто ваш питомец?");
    await user.pressButton("Собака");
    await h.db.prisma.customer.update({
      where: { id: customerId },
      data: {
        familyStatus: "married",
        children: 2,
        healthConsentAt: new Date(),
        healthConsentVersion: "2026-11",
        questionSkips: { pet_count: { skips: 1 } },
        openQuestion: {
          kind: "question",
          token: "tok456",
          questionId: "00000000-0000-0000-0000-000000000000",
          key: "pet_count",
          version: 1,
          surveyId: null,
          askedAt: new Date().toISOString(),
        },
      },
    });
    await h.db.prisma.feedback.create({
      data: { customerId, scale: "rating", score: 2, comment: "Долго ждала", status: "OPEN" },
    });

    await user.pressReplyButton("🗂 Мои данные");
    await user.pressButton("📄 Выгрузить мои данные");
    const data = JSON.parse(user.lastMessage()?.document?.bytes.toString("utf8") ?? "{}");
    expect(data.profile).toMatchObject({
      attributes: { pet_species: "dog" },
      familyStatus: "married",
      children: 2,
    });
    expect(data.consents.health).toMatchObject({ version: "2026-11", declinedAt: null });
    expect(data.questions).toMatchObject({
      enabled: true,
      open: { key: "pet_count" },
      skipped: { pet_count: { skips: 1 } },
    });
    expect(data.answers).toEqual([
      expect.objectContaining({ question: "pet_species", value: "dog", source: "profile" }),
    ]);
    expect(data.feedback).toEqual([
      expect.objectContaining({ scale: "rating", score: 2, comment: "Долго ждала" }),
    ]);

    await user.pressButton("🗑 Удалить мои данные");
    await user.pressButton("Да, удалить всё");
    const row = await h.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } });
    expect(row).toMatchObject({
      status: "DELETED",
      attributes: {},
      familyStatus: null,
      children: null,
      healthConsentAt: null,
      healthConsentVersion: null,
      openQuestion: null,
      questionSkips: {},
      questionsEnabled: false,
    });
    expect(await h.db.prisma.surveyAnswer.count({ where: { customerId } })).toBe(0);
    expect(await h.db.prisma.feedback.count({ where: { customerId } })).toBe(0);
  });
});
