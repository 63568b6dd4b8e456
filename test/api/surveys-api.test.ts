import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../core/db/database.ts";
import { selectQuestions } from "../../core/db/tables/questions.ts";
import { ensureDefaultPack } from "../../core/questions/packs.ts";
import { AnswerSource, saveAnswer } from "../../core/questions/save-answer.ts";
import type { AnswerValue } from "../../core/questions/types.ts";
import { ADMIN_TOKEN, issueFields, jsonCaller, testApi } from "../support/api.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

let db: Database;
let api: ReturnType<typeof testApi>;
beforeAll(async () => {
  db = await openTestDatabase();
  await ensureDefaultPack(db.sql);
  api = testApi(db);
});
afterAll(async () => {
  await db?.close();
});

const call = (...args: Parameters<ReturnType<typeof jsonCaller>>) => jsonCaller(api)(...args);

const fields = issueFields;

const petSpecies = {
  key: "pet_species",
  type: "single_choice",
  text: { ru: "Кто у вас живёт?", en: "What pet do you have?" },
  options: [
    { value: "dog", label: { ru: "Собака", en: "Dog" } },
    { value: "cat", label: { ru: "Кошка", en: "Cat" } },
  ],
  required: true,
};
const recommend = {
  key: "recommend",
  type: "nps",
  text: { ru: "Порекомендуете нас друзьям?", en: "Would you recommend us?" },
};
const visits = {
  key: "visits_per_month",
  type: "number",
  text: { ru: "Сколько раз в месяц вы к нам заходите?" },
  min: 0,
  max: 31,
};
const likesTreats = { key: "likes_treats", type: "yes_no", text: { ru: "Берёте лакомства?" } };
const buys = {
  key: "buys",
  type: "multiple_choice",
  text: { ru: "Что покупаете?" },
  options: [
    { value: "food", label: { ru: "Корм" } },
    { value: "toys", label: { ru: "Игрушки" } },
  ],
};
const stars = { key: "service_stars", type: "rating", text: { ru: "Оцените сервис" } };

const survey = {
  slug: "about_your_pet",
  title: { ru: "О вашем питомце", en: "About your pet" },
  questions: [petSpecies, recommend, visits, likesTreats, buys, stars, { key: "city" }],
};

let customers = 0;
async function customer() {
  return db.prisma.customer.create({
    data: { referralCode: `SAPI${++customers}`, status: "ACTIVE" },
  });
}

describe(`surveys API on ${testDbKind}`, () => {
  it("creates a survey from inline definitions and bank references", async () => {
    const created = await call("POST", "/api/surveys", survey);
    expect(created.status).toBe(201);
    expect(created.body.survey).toMatchObject({
      slug: "about_your_pet",
      title: { ru: "О вашем питомце", en: "About your pet" },
      eventType: null,
      active: true,
      questions: [
        "pet_species",
        "recommend",
        "visits_per_month",
        "likes_treats",
        "buys",
        "service_stars",
        "city",
      ],
      link: "https://t.me/aurora_test_bot?start=survey_about_your_pet",
    });
    // The inline definitions are in the bank now, the reference is the bank's own question.
    const bank = await selectQuestions(db.sql);
    expect(bank.find((q) => q.key === "pet_species")).toMatchObject({
      type: "single_choice",
      required: true,
      pack: null,
    });
    const city = await db.prisma.question.findUniqueOrThrow({ where: { key: "city" } });
    expect(city.pack).toBe("generic");

    const got = await call("GET", "/api/surveys/about_your_pet");
    expect(got.status).toBe(200);
    expect(got.body.survey).toEqual(created.body.survey);

    // A second survey reuses a compatible definition; the bank's wording stays.
    const second = await call("POST", "/api/surveys", {
      slug: "quick-2",
      title: { ru: "Быстрый опрос" },
      questions: [{ ...recommend, text: { ru: "Другая формулировка" } }, { key: "birthday" }],
      active: false,
    });
    expect(second.status).toBe(201);
    expect(second.body.survey).toMatchObject({
      active: false,
      questions: ["recommend", "birthday"],
    });
    const stored = await db.prisma.question.findUniqueOrThrow({ where: { key: "recommend" } });
    expect((stored.text as { ru: string }).ru).toBe("Порекомендуете нас друзьям?");

    const listed = await call("GET", "/api/surveys");
    expect(listed.status).toBe(200);
    expect(listed.body.surveys.map((s: { slug: string }) => s.slug).sort()).toEqual([
      "about_your_pet",
      "quick-2",
    ]);
    expect(await db.prisma.auditEntry.count({ where: { action: "survey.changed" } })).toBe(2);
  });

  it("refuses bad definitions with the field named, conflicts with 409 and unknown slugs with 404", async () => {
    const post = (body: unknown) => call("POST", "/api/surveys", body);
    const base = { slug: "bad", title: { ru: "Плохой" } };

    const unknownType = await post({
      ...base,
      questions: [{ ...visits, key: "q1", type: "colour" }],
    });
    expect(unknownType.status).toBe(400);
    expect(fields(unknownType)).toEqual(["questions.0.type"]);

    const duplicate = await post({ ...base, questions: [{ key: "city" }, { key: "city" }] });
    expect(duplicate.status).toBe(400);
    expect(fields(duplicate)).toEqual(["questions.1.key"]);

    const noOptions = await post({
      ...base,
      questions: [{ key: "fav_toy", type: "single_choice", text: { ru: "Любимая игрушка?" } }],
    });
    expect(noOptions.status).toBe(400);
    expect(fields(noOptions)).toEqual(["questions.0.options"]);

    const noText = await post({ ...base, questions: [{ key: "fav_toy", type: "text" }] });
    expect(noText.status).toBe(400);
    expect(fields(noText)).toEqual(["questions.0.text"]);

    const unknownKey = await post({ ...base, questions: [{ key: "city" }, { key: "no_such_q" }] });
    expect(unknownKey.status).toBe(400);
    expect(fields(unknownKey)).toEqual(["questions.1.key"]);

    const badCondition = await post({
      ...base,
      questions: [{ ...visits, key: "q2", condition: { key: "missing", values: [1] } }],
    });
    expect(badCondition.status).toBe(400);
    expect(fields(badCondition)).toEqual(["questions.0.condition.key"]);

    const otherType = await post({
      ...base,
      questions: [{ key: "city" }, { key: "recommend", type: "text", text: { ru: "Да?" } }],
    });
    expect(otherType.status).toBe(409);
    expect(otherType.body.error.details).toMatchObject({ field: "questions.1.type", type: "nps" });

    const badSlug = await post({ ...base, slug: "Bad Slug!", questions: [{ key: "city" }] });
    expect(badSlug.status).toBe(400);
    expect(fields(badSlug)).toEqual(["slug"]);
    const longSlug = await post({ ...base, slug: "a".repeat(41), questions: [{ key: "city" }] });
    expect(fields(longSlug)).toEqual(["slug"]);

    const noQuestions = await post({ ...base, questions: [] });
    expect(fields(noQuestions)).toEqual(["questions"]);

    const unknownEvent = await post({ ...base, questions: [{ key: "city" }], eventType: "nope" });
    expect(unknownEvent.status).toBe(400);
    expect(fields(unknownEvent)).toEqual(["eventType"]);

    const taken = await post({ ...survey, questions: [{ key: "city" }] });
    expect(taken.status).toBe(409);
    expect(taken.body.error.details.field).toBe("slug");

    // Nothing of the refused surveys stayed: no survey, no half-made question.
    expect(await db.prisma.survey.count({ where: { slug: "bad" } })).toBe(0);
    expect(
      await db.prisma.question.count({ where: { key: { in: ["q1", "q2", "fav_toy"] } } }),
    ).toBe(0);

    for (const [method, path] of [
      ["GET", "/api/surveys/nope"],
      ["DELETE", "/api/surveys/nope"],
      ["GET", "/api/surveys/nope/results"],
    ]) {
      const missing = await call(method as string, path as string);
      expect(missing.status, path).toBe(404);
      expect(missing.body.error.message).toBe('No survey "nope"');
    }
    const putMissing = await call("PUT", "/api/surveys/nope", {
      ...base,
      questions: [{ key: "city" }],
    });
    expect(putMissing.status).toBe(404);

    const malformed = await api.request("/api/surveys", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: '{"slug": "x",',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: "bad_request" } });
  });

  it("replaces a survey; the slug stays; an event type must be a custom event", async () => {
    const settings = await call("PUT", "/api/settings/loyalty", {
      eventBonuses: { review_left: 50, pet_survey: 30 },
    });
    expect(settings.status).toBe(200);
    const replaced = await call("PUT", "/api/surveys/quick-2", {
      title: { ru: "Быстрый опрос, версия 2", en: "Quick survey" },
      questions: [{ key: "birthday" }, { key: "recommend" }, stars],
      eventType: "pet_survey",
      active: true,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.survey).toMatchObject({
      slug: "quick-2",
      title: { ru: "Быстрый опрос, версия 2", en: "Quick survey" },
      questions: ["birthday", "recommend", "service_stars"],
      eventType: "pet_survey",
      active: true,
    });
    const renamed = await call("PUT", "/api/surveys/quick-2", {
      slug: "other",
      title: { ru: "x" },
      questions: [{ key: "city" }],
    });
    expect(renamed.status).toBe(400);
    expect(fields(renamed)).toEqual(["slug"]);
    const sameSlug = await call("PUT", "/api/surveys/quick-2", {
      slug: "quick-2",
      title: { ru: "Быстрый опрос" },
      questions: [{ key: "recommend" }],
      eventType: "no_such_event",
    });
    expect(sameSlug.status).toBe(400);
    expect(fields(sameSlug)).toEqual(["eventType"]);
    const duplicate = await call("PUT", "/api/surveys/quick-2", {
      title: { ru: "x" },
      questions: [{ key: "recommend" }, { key: "recommend" }],
    });
    expect(fields(duplicate)).toEqual(["questions.1.key"]);
  });

  it("reports results over each customer's latest answer in the survey", async () => {
    const { id: surveyId } = await db.prisma.survey.findUniqueOrThrow({
      where: { slug: "about_your_pet" },
    });
    const bank = new Map((await selectQuestions(db.sql)).map((q) => [q.key, q]));
    let minute = 0;
    const answer = (customerId: string, key: string, value: AnswerValue, inSurvey = true) => {
      const question = bank.get(key);
      if (!question) throw new Error(key);
      return saveAnswer(db.sql, {
        customerId,
        question,
        value,
        source: inSurvey ? AnswerSource.survey : AnswerSource.progressive,
        surveyId: inSurvey ? surveyId : null,
        consentVersion: "v1",
        now: new Date(Date.UTC(2026, 5, 1, 10, minute++)),
      });
    };
    const [a, b, c, d] = [await customer(), await customer(), await customer(), await customer()];
    // a: a dog, then changed to a cat: only the latest counts.
    await answer(a.id, "pet_species", "dog");
    await answer(a.id, "pet_species", "cat");
    await answer(a.id, "recommend", 10);
    await answer(a.id, "visits_per_month", 4);
    await answer(a.id, "likes_treats", true);
    await answer(a.id, "buys", ["food", "toys"]);
    await answer(a.id, "service_stars", 5);
    await answer(a.id, "city", "Казань");
    await answer(b.id, "pet_species", "dog");
    await answer(b.id, "recommend", 9);
    await answer(b.id, "visits_per_month", 1);
    await answer(b.id, "likes_treats", false);
    await answer(b.id, "buys", ["food"]);
    await answer(b.id, "service_stars", 3);
    await answer(c.id, "pet_species", "cat");
    await answer(c.id, "recommend", 3);
    await answer(c.id, "likes_treats", true);
    // d answered outside the survey: not part of its results.
    await answer(d.id, "recommend", 0, false);
    await answer(d.id, "pet_species", "dog", false);
    for (const [customerId, finished] of [
      [a.id, true],
      [b.id, true],
      [c.id, false],
    ] as const) {
      await db.prisma.surveyRun.create({
        data: { surveyId, customerId, finishedAt: finished ? new Date() : null },
      });
    }

    const results = await call("GET", "/api/surveys/about_your_pet/results");
    expect(results.status).toBe(200);
    expect(results.body).toMatchObject({
      started: 3,
      finished: 2,
      survey: { slug: "about_your_pet" },
    });
    const byKey = Object.fromEntries(
      results.body.questions.map((q: { key: string }) => [q.key, q]),
    );
    expect(results.body.questions.map((q: { key: string }) => q.key)).toEqual(
      survey.questions.map((q) => q.key),
    );
    expect(byKey.pet_species).toMatchObject({ answers: 3, average: null, nps: null });
    expect(byKey.pet_species.counts).toEqual([
      { value: "dog", label: { ru: "Собака", en: "Dog" }, count: 1 },
      { value: "cat", label: { ru: "Кошка", en: "Cat" }, count: 2 },
    ]);
    // NPS: promoters 10 and 9, a detractor 3: (2 − 1) / 3 = 33.
    expect(byKey.recommend).toMatchObject({ answers: 3, average: 7.33, nps: 33 });
    expect(byKey.recommend.counts).toHaveLength(11);
    expect(byKey.recommend.counts[10]).toEqual({ value: 10, label: null, count: 1 });
    expect(byKey.recommend.counts[0]).toEqual({ value: 0, label: null, count: 0 });
    expect(byKey.visits_per_month).toMatchObject({
      answers: 2,
      average: 2.5,
      counts: [],
      nps: null,
    });
    expect(byKey.likes_treats.counts).toEqual([
      { value: true, label: null, count: 2 },
      { value: false, label: null, count: 1 },
    ]);
    expect(byKey.buys.counts.map((o: { count: number }) => o.count)).toEqual([2, 1]);
    expect(byKey.buys.answers).toBe(2);
    expect(byKey.service_stars).toMatchObject({ answers: 2, average: 4, nps: null });
    expect(byKey.service_stars.counts.map((o: { value: number }) => o.value)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(byKey.city).toMatchObject({ answers: 1, counts: [], average: null });

    // The same figures counted plainly in the database.
    const [plain] = await db.sql.query<{ n: number }>(
      `SELECT count(DISTINCT "customerId")::int AS n FROM "SurveyAnswer" a
       JOIN "Question" q ON q."id" = a."questionId"
       WHERE a."surveyId" = $1 AND q."key" = 'pet_species'`,
      [surveyId],
    );
    expect(plain?.n).toBe(3);

    // Deleting the survey keeps the answers, without the survey.
    const deleted = await call("DELETE", "/api/surveys/about_your_pet");
    expect(deleted.status).toBe(200);
    expect(await db.prisma.survey.count({ where: { id: surveyId } })).toBe(0);
    expect(await db.prisma.surveyRun.count({ where: { surveyId } })).toBe(0);
    expect(await db.prisma.surveyAnswer.count({ where: { customerId: a.id } })).toBe(8);
    expect(
      await db.prisma.surveyAnswer.count({ where: { customerId: a.id, surveyId: null } }),
    ).toBe(8);
    expect((await call("GET", "/api/surveys/about_your_pet")).status).toBe(404);
  });

  it("is for managers and owners: a cashier's token gets 403", async () => {
    const cashier = (await call("POST", "/api/tokens", { name: "Касса", role: "CASHIER" })).body
      .token as string;
    for (const [method, path, body] of [
      ["GET", "/api/surveys"],
      ["POST", "/api/surveys", { ...survey, slug: "by-cashier" }],
      ["GET", "/api/surveys/quick-2"],
      ["PUT", "/api/surveys/quick-2", { title: { ru: "x" }, questions: [{ key: "city" }] }],
      ["DELETE", "/api/surveys/quick-2"],
      ["GET", "/api/surveys/quick-2/results"],
    ] as Array<[string, string, unknown?]>) {
      expect((await call(method, path, body, cashier)).status, `${method} ${path}`).toBe(403);
    }
    expect(await db.prisma.survey.count({ where: { slug: "quick-2" } })).toBe(1);
  });
});
