import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectSurveyBySlug } from "../../core/db/tables/survey-runs.ts";
import { finishSurvey } from "../../core/surveys/run-survey.ts";
import type { SimulatedUser } from "../../emulator/index.ts";
import { apiCaller } from "../support/api.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { inlineButtons, lastText, onboardedUser, texts } from "../support/chat.ts";
import { testDbKind } from "../support/database.ts";
import { ensureQuestions } from "../support/questions.ts";
import { until } from "../support/staff.ts";

/**
 * Surveys in the bot: started by a deep link or from "Questions for you", one question at a
 * time with its progress, stopped and resumed after a restart, conditional questions, Skip,
 * and the bonus for finishing credited once.
 */
const ADMIN_TOKEN = "survey-admin-token-0123456789abcdef";
let h: BotHarness;
const call = apiCaller(() => h.app.httpUrl, ADMIN_TOKEN);

beforeAll(async () => {
  h = await startBotHarness({ env: { ADMIN_TOKEN } });
  const settings = await call("PUT", "/api/settings/loyalty", {
    eventBonuses: { review_left: 50, survey_pets: 30 },
  });
  expect(settings.status).toBe(200);
  await ensureQuestions(h, [
    {
      key: "s_species",
      type: "single_choice",
      text: { ru: "Кто ваш питомец?", en: "Who is your pet?" },
      options: [
        { value: "dog", label: { ru: "Собака", en: "Dog" } },
        { value: "cat", label: { ru: "Кошка", en: "Cat" } },
      ],
    },
    {
      key: "s_breed",
      type: "text",
      text: { ru: "Какой породы собака?" },
      condition: { key: "s_species", values: ["dog"] },
    },
    { key: "s_pet_name", type: "text", text: { ru: "Как зовут питомца?" } },
    { key: "s_visits", type: "number", text: { ru: "Сколько раз в месяц заходите?" }, min: 0 },
    { key: "birthday", type: "date", text: { ru: "Когда у вас день рождения?" } },
    { key: "s_retired", type: "text", text: { ru: "Старый вопрос" }, active: false },
  ]);
  await createSurvey("pets", { ru: "Про питомцев", en: "About your pet" }, [
    "s_species",
    "s_breed",
    "s_pet_name",
    "birthday",
  ]);
  await createSurvey("visits", { ru: "Визиты" }, ["birthday", "s_visits", "s_pet_name"], {
    eventType: null,
  });
  await createSurvey("closed", { ru: "Закрытый" }, ["s_pet_name"], { active: false });
  await createSurvey("empty", { ru: "Пустой" }, ["s_retired"]);
});
afterAll(async () => {
  await h?.close();
});

async function createSurvey(
  slug: string,
  title: { ru: string; en?: string },
  keys: string[],
  options: { eventType?: string | null; active?: boolean } = {},
) {
  const questions = await h.db.prisma.question.findMany({ where: { key: { in: keys } } });
  const idOf = (key: string) => questions.find((q) => q.key === key)?.id ?? "";
  await h.db.prisma.survey.create({
    data: {
      slug,
      title,
      eventType: options.eventType === undefined ? "survey_pets" : options.eventType,
      active: options.active ?? true,
      questions: {
        create: keys.map((key, index) => ({ questionId: idOf(key), position: index + 1 })),
      },
    },
  });
}

let nextId = 11_100;
async function customer(): Promise<{ user: SimulatedUser; customerId: string }> {
  return onboardedUser(h, { id: nextId++ });
}

const THANKS = "Спасибо, записали ✅";

/** The bot's messages since `from`. */
function since(user: SimulatedUser, from: number): string[] {
  return texts(user).slice(from);
}

describe(`surveys in the bot on ${testDbKind}`, () => {
  it("a deep link starts a survey; stopped midway, it resumes after a restart and pays once", async () => {
    const { user, customerId } = await customer();
    let from = texts(user).length;
    await user.sendCommand("/start", "survey_pets");
    // The breed waits for the species; the birthday is not known yet.
    expect(since(user, from)).toEqual([
      "📝 Опрос «Про питомцев»: 3 вопроса.\nМожно остановиться в любой момент и продолжить потом из меню «📝 Вопросы для вас».",
      "1/3. Кто ваш питомец?",
    ]);
    expect(inlineButtons(user.lastMessage()).map((b) => b.text)).toEqual([
      "Собака",
      "Кошка",
      "Пропустить",
    ]);

    from = texts(user).length;
    await user.pressButton("Собака");
    expect(since(user, from)).toEqual([THANKS, "2/4. Какой породы собака?"]);
    await user.sendText("Корги");
    expect(lastText(user)).toBe("3/4. Как зовут питомца?");

    // The customer stops: a menu button is not an answer, and the survey waits.
    await user.pressReplyButton("📜 История");
    expect(lastText(user)).not.toBe(THANKS);
    await h.restart();

    from = texts(user).length;
    await user.sendCommand("/start", "survey_pets");
    expect(since(user, from)).toEqual([
      "📝 Продолжим опрос «Про питомцев» с того места, где остановились.",
      "3/4. Как зовут питомца?",
    ]);
    await user.sendText("Бублик");
    expect(lastText(user)).toBe(
      "4/4. Когда у вас день рождения?\n\n📅 Напишите дату так: 25.12.1990.",
    );
    await user.sendText("25.12.1990");
    expect(texts(user)).toContain(
      "🎉 Спасибо, что прошли опрос «Про питомцев»! Вам начислено 30 баллов.",
    );

    const saved = await h.db.prisma.customer.findUniqueOrThrow({
      where: { id: customerId },
      include: { card: true },
    });
    expect(saved.openQuestion).toBeNull();
    expect(saved.attributes).toMatchObject({
      s_species: "dog",
      s_breed: "Корги",
      s_pet_name: "Бублик",
    });
    expect(saved.birthday?.toISOString().slice(0, 10)).toBe("1990-12-25");
    expect(saved.card?.balance).toBe(130);
    const survey = await h.db.prisma.survey.findUniqueOrThrow({ where: { slug: "pets" } });
    const answers = await h.db.prisma.surveyAnswer.findMany({
      where: { customerId, surveyId: survey.id },
    });
    expect(answers).toHaveLength(4);
    expect(answers.every((a) => a.source === "survey")).toBe(true);
    const run = await h.db.prisma.surveyRun.findUniqueOrThrow({
      where: { surveyId_customerId: { surveyId: survey.id, customerId } },
    });
    expect(run.finishedAt).not.toBeNull();
    const events = await h.db.prisma.customerEvent.findMany({
      where: { customerId, type: { in: ["survey.started", "survey.finished"] } },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.type)).toEqual(["survey.started", "survey.finished"]);
    // The bonus's own notice arrives through the outbox.
    await until(
      () => texts(user).some((t) => t.startsWith("🎁 Вам начислено 30 баллов")),
      "the bonus notice",
    );

    // The finish path run again (a retry, another process) credits nothing, even when the run
    // was somehow marked unfinished.
    const ref = await selectSurveyBySlug(h.db.sql, "pets");
    if (!ref) throw new Error("no survey");
    const settings = { eventBonuses: { survey_pets: 30 } };
    const again = await finishSurvey(h.db.sql, {
      customerId,
      survey: ref,
      settings,
      now: new Date(),
    });
    expect(again).toEqual({ finishedNow: false, points: 0 });
    await h.db.prisma.surveyRun.update({
      where: { surveyId_customerId: { surveyId: survey.id, customerId } },
      data: { finishedAt: null },
    });
    const reopened = await finishSurvey(h.db.sql, {
      customerId,
      survey: ref,
      settings,
      now: new Date(),
    });
    expect(reopened).toEqual({ finishedNow: true, points: 0 });
    const credits = await h.db.prisma.pointsEntry.findMany({
      where: { card: { customerId }, kind: "EVENT" },
    });
    expect(credits.map((c) => c.delta)).toEqual([30]);

    from = texts(user).length;
    await user.sendCommand("/start", "survey_pets");
    expect(since(user, from)).toEqual(["Вы уже прошли опрос «Про питомцев» — спасибо!"]);
  });

  it("'Questions for you' lists open surveys; Skip moves on; a known birthday is not asked again", async () => {
    const { user, customerId } = await customer();
    await h.db.prisma.customer.update({
      where: { id: customerId },
      data: { birthday: new Date("1985-03-08T00:00:00Z"), birthMonth: 3, birthDay: 8 },
    });
    await user.pressReplyButton("📝 Вопросы для вас");
    expect(lastText(user)).toBe(
      "Ответьте на несколько вопросов — так мы лучше узнаем вас и ваши предпочтения:",
    );
    // Switched off, finished and question-less surveys are not listed.
    expect(inlineButtons(user.lastMessage()).map((b) => b.text)).toEqual([
      "📝 Визиты",
      "📝 Про питомцев",
    ]);

    let from = texts(user).length;
    await user.pressButton("📝 Визиты");
    expect(since(user, from)).toEqual([
      "📝 Опрос «Визиты»: 2 вопроса.\nМожно остановиться в любой момент и продолжить потом из меню «📝 Вопросы для вас».",
      "1/2. Сколько раз в месяц заходите?\n\n✍️ Напишите число.",
    ]);
    // No "Later" inside a survey: the customer can simply stop.
    expect(inlineButtons(user.lastMessage()).map((b) => b.text)).toEqual(["Пропустить"]);

    from = texts(user).length;
    await user.pressButton("Пропустить");
    expect(since(user, from)).toEqual(["Хорошо, пропустим.", "2/2. Как зовут питомца?"]);
    await user.sendText("Мурка");
    expect(lastText(user)).toBe("🎉 Спасибо, что прошли опрос «Визиты»!");

    const saved = await h.db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } });
    expect(saved.questionSkips).toEqual({ s_visits: { skips: 1 } });
    expect(saved.attributes).toMatchObject({ s_pet_name: "Мурка" });
    const skipped = await h.db.prisma.customerEvent.findFirst({
      where: { customerId, type: "question.skipped" },
    });
    expect(skipped?.data).toMatchObject({ key: "s_visits", action: "skip" });
    // No bonus for this one: it has no event type.
    const credits = await h.db.prisma.pointsEntry.count({
      where: { card: { customerId }, kind: "EVENT" },
    });
    expect(credits).toBe(0);

    await user.pressReplyButton("📝 Вопросы для вас");
    expect(inlineButtons(user.lastMessage()).map((b) => b.text)).toEqual(["📝 Про питомцев"]);
  });

  it("an unknown, switched-off or empty survey is a friendly message", async () => {
    const { user, customerId } = await customer();
    for (const slug of ["nope", "closed", "empty"]) {
      await user.sendCommand("/start", `survey_${slug}`);
      expect(lastText(user)).toBe("Такого опроса нет или он уже закончился.");
    }
    expect(await h.db.prisma.surveyRun.count({ where: { customerId } })).toBe(0);
  });

  it("with every survey done, the menu says there is nothing to answer", async () => {
    const { user, customerId } = await customer();
    await user.sendCommand("/start", "survey_visits");
    await user.pressButton("Пропустить");
    await user.pressButton("Пропустить");
    await user.pressButton("Пропустить");
    expect(lastText(user)).toBe("🎉 Спасибо, что прошли опрос «Визиты»!");
    await user.sendCommand("/start", "survey_pets");
    await user.pressButton("Кошка");
    await user.sendText("Мурка");
    await user.sendText("01.02.1993");
    expect(texts(user)).toContain(
      "🎉 Спасибо, что прошли опрос «Про питомцев»! Вам начислено 30 баллов.",
    );
    // The bonus's own notice comes through the outbox, at its own moment: let it arrive first,
    // so that it cannot land after the menu's answer.
    await until(
      () => texts(user).some((text) => text.startsWith("🎁 Вам начислено 30 баллов")),
      "the bonus notice",
    );
    await user.pressReplyButton("📝 Вопросы для вас");
    expect(lastText(user)).toBe("Сейчас новых вопросов нет — спасибо, что заглянули!");
    const answered = await h.db.prisma.surveyAnswer.count({ where: { customerId } });
    expect(answered).toBe(3);
  });

  it("someone without a card is onboarded first and told to open the link again", async () => {
    const user = h.user({ id: nextId++, first_name: "Гость" });
    await user.sendCommand("/start", "survey_pets");
    const all = texts(user);
    expect(all).toContain(
      "Чтобы пройти опрос, сначала оформим карту — это займёт минуту. Потом откройте ссылку на опрос ещё раз.",
    );
    expect(
      inlineButtons(user.lastMessage()).some(
        (b) => "callback_data" in b && b.callback_data === "consent:yes",
      ),
    ).toBe(true);
  });
});
