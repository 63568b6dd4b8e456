import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Customer } from "../../core/db/client.ts";
import type { Database } from "../../core/db/database.ts";
import { selectQuestions } from "../../core/db/tables/questions.ts";
import { customerCompleteness, profileCompleteness } from "../../core/questions/completeness.ts";
import { mayBeAsked } from "../../core/questions/eligibility.ts";
import { AnswerSource, saveAnswer } from "../../core/questions/save-answer.ts";
import { currentAnswer } from "../../core/questions/standard-fields.ts";
import {
  type AnswerValue,
  type Question,
  type QuestionDefinitionInput,
  QuestionDefinitionSchema,
  storedQuestionType,
} from "../../core/questions/types.ts";
import { type JsonAnswer, jsonRequest, testApi } from "../support/api.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

let db: Database;
let api: ReturnType<typeof testApi>;
beforeAll(async () => {
  db = await openTestDatabase();
  api = testApi(db);
});
afterAll(async () => {
  await db?.close();
});

async function call(method: string, path: string, body?: unknown, token?: string) {
  const response = await api.request(path, jsonRequest(method, body, token));
  return { status: response.status, body: await response.json() } as JsonAnswer;
}

const definitions: QuestionDefinitionInput[] = [
  { key: "birthday", type: "date", text: { ru: "День рождения?" }, priority: 90 },
  { key: "health_consent", type: "yes_no", text: { ru: "Можно о здоровье?" }, priority: 85 },
  { key: "city", type: "text", text: { ru: "Город?" }, priority: 70 },
  {
    key: "pet_species",
    type: "single_choice",
    text: { ru: "Кто у вас?" },
    options: [
      { value: "dog", label: { ru: "Собака" } },
      { value: "cat", label: { ru: "Кошка" } },
      { value: "none", label: { ru: "Никого" } },
    ],
    priority: 60,
  },
  {
    key: "pet_name",
    type: "text",
    text: { ru: "Как зовут?" },
    condition: { key: "pet_species", values: ["dog", "cat"] },
    priority: 50,
  },
  {
    key: "pet_birthday",
    type: "date",
    text: { ru: "Когда родился питомец?" },
    condition: { key: "pet_species", values: ["dog", "cat"] },
    priority: 45,
  },
  {
    key: "health_interests",
    type: "multiple_choice",
    text: { ru: "Что важно?" },
    options: [
      { value: "vitamins", label: { ru: "Витамины" } },
      { value: "allergy", label: { ru: "Аллергия" } },
    ],
    category: "health",
    priority: 40,
  },
  { key: "children", type: "number", text: { ru: "Дети?" }, min: 0, max: 20, priority: 20 },
  {
    key: "family_status",
    type: "single_choice",
    text: { ru: "Семья?" },
    options: [
      { value: "single", label: { ru: "Один" } },
      { value: "married", label: { ru: "В браке" } },
    ],
    priority: 15,
  },
  { key: "nickname", type: "text", text: { ru: "Прозвище?" }, priority: 0 },
  { key: "old_one", type: "text", text: { ru: "Старый" }, active: false, priority: 99 },
];

/** The rule of core/questions/completeness.ts, written again over loaded rows. */
function expectedScore(customer: Customer, bank: readonly Question[]): number | null {
  let answered = 0;
  let total = 0;
  for (const question of bank) {
    if (!mayBeAsked(customer, question)) continue;
    const weight = Math.max(question.priority, 1);
    total += weight;
    if (currentAnswer(customer, question.key) !== undefined) answered += weight;
  }
  return total > 0 ? answered / total : null;
}

let bank: Question[];
const ids: Record<string, string> = {};
let refs = 0;

async function customer(
  status: "ACTIVE" | "ONBOARDING" | "DELETED",
  answers: Record<string, AnswerValue>,
) {
  const row = await db.prisma.customer.create({
    data: { referralCode: `COMP${++refs}`, status },
  });
  for (const [key, value] of Object.entries(answers)) {
    const question = bank.find((q) => q.key === key);
    if (!question) throw new Error(key);
    await saveAnswer(db.sql, {
      customerId: row.id,
      question,
      value,
      source: AnswerSource.profile,
      consentVersion: "v1",
    });
  }
  return row.id;
}

describe(`profile completeness on ${testDbKind}`, () => {
  beforeAll(async () => {
    await db.prisma.question.createMany({
      data: definitions.map((input) => {
        const { type, condition, ...rest } = QuestionDefinitionSchema.parse(input);
        return { ...rest, type: storedQuestionType(type), ...(condition ? { condition } : {}) };
      }),
    });
    bank = await selectQuestions(db.sql);
    ids.full = await customer("ACTIVE", {
      birthday: "1990-05-17",
      health_consent: true,
      city: "Казань",
      pet_species: "dog",
      pet_name: "Рекс",
      pet_birthday: "2020-03-01",
      health_interests: ["vitamins"],
      children: 2,
      family_status: "married",
      nickname: "Рекс-хозяин",
    });
    ids.noPet = await customer("ACTIVE", { city: "Пермь", pet_species: "none" });
    ids.blank = await customer("ACTIVE", {});
    ids.declined = await customer("ACTIVE", { health_consent: false, children: 0 });
    ids.catNoName = await customer("ACTIVE", { pet_species: "cat", birthday: "2000-01-01" });
    // Not counted per field: not onboarded, or erased.
    ids.onboarding = await customer("ONBOARDING", { birthday: "1985-01-01", city: "Тула" });
    ids.deleted = await customer("DELETED", { city: "Омск" });
    // A cleared custom answer (null) is no answer.
    await db.prisma.customer.update({
      where: { id: ids.catNoName },
      data: { attributes: { pet_species: "cat", pet_name: null } },
    });
  });

  it("scores each customer by the priority-weighted share of the questions that apply to them", async () => {
    const rows = await db.prisma.customer.findMany();
    for (const row of rows) {
      const { score, applicable } = await customerCompleteness(db.sql, row.id, bank);
      const expected = expectedScore(
        row,
        bank.filter((q) => q.active),
      );
      expect(score, row.referralCode).toBe(
        expected === null ? null : Math.round(expected * 1000) / 1000,
      );
      expect(applicable).toBeGreaterThan(0);
    }
    expect((await customerCompleteness(db.sql, ids.full as string, bank)).score).toBe(1);
    expect(await customerCompleteness(db.sql, ids.blank as string, bank)).toMatchObject({
      score: 0,
      answered: 0,
      // birthday, consent, city, species, children, family, nickname: no pet, no consent.
      applicable: 7,
    });
    // No pet: the pet's name and birthday do not apply; a refused consent: nor do health ones.
    expect(await customerCompleteness(db.sql, ids.noPet as string, bank)).toMatchObject({
      answered: 2,
      applicable: 7,
    });
    expect(await customerCompleteness(db.sql, ids.declined as string, bank)).toMatchObject({
      answered: 2,
      applicable: 7,
    });
    // A cat: its name and birthday apply, unanswered.
    expect(await customerCompleteness(db.sql, ids.catNoName as string, bank)).toMatchObject({
      answered: 2,
      applicable: 9,
    });
  });

  it("counts per field over ACTIVE customers, equal to a plain count in the database", async () => {
    const figures = await profileCompleteness(db.sql, bank);
    const [plain] = await db.sql.query<Record<string, number>>(
      `SELECT count(*)::int AS customers,
         count(*) FILTER (WHERE "birthday" IS NOT NULL)::int AS birthday,
         count(*) FILTER (WHERE "city" IS NOT NULL)::int AS city,
         count(*) FILTER (WHERE "children" IS NOT NULL)::int AS children,
         count(*) FILTER (WHERE "familyStatus" IS NOT NULL)::int AS family_status,
         count(*) FILTER (WHERE "healthConsentAt" IS NOT NULL
                             OR "healthConsentDeclinedAt" IS NOT NULL)::int AS health_consent,
         count(*) FILTER (WHERE "attributes"->>'pet_species' IS NOT NULL)::int AS pet_species,
         count(*) FILTER (WHERE "attributes"->>'pet_name' IS NOT NULL)::int AS pet_name,
         count(*) FILTER (WHERE "attributes"->>'pet_birthday' IS NOT NULL)::int AS pet_birthday,
         count(*) FILTER (WHERE "attributes" ? 'health_interests')::int AS health_interests,
         count(*) FILTER (WHERE "attributes" ? 'nickname')::int AS nickname
       FROM "Customer" WHERE "status" = 'ACTIVE'`,
    );
    if (!plain) throw new Error("no row");
    expect(figures.customers).toBe(plain.customers);
    expect(figures.customers).toBe(5);
    expect(figures.fields.map((f) => f.key)).toEqual(
      bank.filter((q) => q.active).map((q) => q.key),
    );
    for (const field of figures.fields) {
      expect(field.answered, field.key).toBe(plain[field.key]);
      expect(field.share, field.key).toBe(
        Math.round(((plain[field.key] as number) / (plain.customers as number)) * 1000) / 1000,
      );
    }
    expect(figures.fields.find((f) => f.key === "city")).toEqual({
      key: "city",
      answered: 2,
      share: 0.4,
    });

    const active = await db.prisma.customer.findMany({ where: { status: "ACTIVE" } });
    const scores = active
      .map((row) =>
        expectedScore(
          row,
          bank.filter((q) => q.active),
        ),
      )
      .filter((score): score is number => score !== null);
    const average = scores.reduce((sum, s) => sum + s, 0) / scores.length;
    expect(figures.average).toBe(Math.round(average * 1000) / 1000);

    const viaApi = await call("GET", "/api/analytics/profile-completeness");
    expect(viaApi.status).toBe(200);
    expect(viaApi.body).toEqual(figures);
  });

  it("shows completeness, typed attributes and the latest answers in the customer detail", async () => {
    const later = new Date(Date.now() + 60_000);
    const petName = bank.find((q) => q.key === "pet_name") as Question;
    await saveAnswer(db.sql, {
      customerId: ids.full as string,
      question: petName,
      value: "Рекс Второй",
      source: AnswerSource.staff,
      consentVersion: "v1",
      now: later,
    });
    const detail = await call("GET", `/api/customers/${ids.full}`);
    expect(detail.status).toBe(200);
    const shown = detail.body.customer;
    expect(shown.completeness).toEqual({ score: 1, answered: 10, applicable: 10 });
    expect(shown.attributes).toEqual({
      pet_species: "dog",
      pet_name: "Рекс Второй",
      pet_birthday: "2020-03-01",
      health_interests: ["vitamins"],
      nickname: "Рекс-хозяин",
    });
    expect(shown).toMatchObject({
      birthday: "1990-05-17",
      city: "Казань",
      familyStatus: "married",
      children: 2,
    });
    expect(typeof shown.children).toBe("number");
    expect(shown.answers).toHaveLength(10);
    // The newest first; one per question, the latest value.
    expect(shown.answers[0]).toEqual({
      key: "pet_name",
      value: "Рекс Второй",
      source: "staff",
      surveyId: null,
      answeredAt: later.toISOString(),
    });
    expect(shown.answers.find((a: { key: string }) => a.key === "children").value).toBe(2);
    // What was there before stays.
    expect(detail.body.ledger).toEqual([]);
    expect(detail.body.timeline.length).toBeGreaterThan(0);

    const cashier = (await call("POST", "/api/tokens", { name: "Касса", role: "CASHIER" })).body
      .token as string;
    const refused = await call("GET", "/api/analytics/profile-completeness", undefined, cashier);
    expect(refused.status).toBe(403);
  });
});
