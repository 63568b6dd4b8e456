import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../core/db/database.ts";
import { selectQuestions } from "../../core/db/tables/questions.ts";
import { QuestionBank } from "../../core/questions/bank-store.ts";
import { definitionIssues } from "../../core/questions/manage-questions.ts";
import {
  describePacks,
  ensureDefaultPack,
  packKeys,
  packQuestions,
} from "../../core/questions/packs.ts";
import { AnswerSource, saveAnswer } from "../../core/questions/save-answer.ts";
import { ADMIN_TOKEN, issueFields, jsonCaller, testApi } from "../support/api.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

let db: Database;
let api: ReturnType<typeof testApi>;
let bank: QuestionBank;
beforeAll(async () => {
  db = await openTestDatabase();
  bank = new QuestionBank(db.sql);
  api = testApi(db, { questions: bank });
});
afterAll(async () => {
  await db?.close();
});

const call = (...args: Parameters<ReturnType<typeof jsonCaller>>) => jsonCaller(api)(...args);

const fields = issueFields;

const petCount = {
  key: "pet_count",
  type: "number",
  text: { ru: "Сколько у вас питомцев?", en: "How many pets do you have?" },
  min: 0,
  max: 10,
  priority: 55,
};

describe(`question bank API on ${testDbKind}`, () => {
  it("seeds the generic pack into an empty bank at start-up, once", async () => {
    await ensureDefaultPack(db.sql);
    const keys = (await selectQuestions(db.sql)).map((q) => q.key);
    expect(keys).toEqual([
      "birthday",
      "gender",
      "city",
      "email",
      "interests",
      "family_status",
      "children",
    ]);
    await db.prisma.question.update({ where: { key: "city" }, data: { active: false } });
    await ensureDefaultPack(db.sql);
    // Not empty any more: nothing added or switched back on.
    expect(await db.prisma.question.count()).toBe(7);
    expect((await db.prisma.question.findUniqueOrThrow({ where: { key: "city" } })).active).toBe(
      false,
    );
    await db.prisma.question.update({ where: { key: "city" }, data: { active: true } });
  });

  it("every pack's questions are valid for the bank and include the generic ones", () => {
    const generic = packQuestions("generic").map((q) => q.key);
    for (const pack of packKeys) {
      const questions = packQuestions(pack);
      const keys = new Set(questions.map((q) => q.key));
      expect(keys.size, pack).toBe(questions.length);
      for (const key of generic) expect(keys.has(key), `${pack} has ${key}`).toBe(true);
      for (const question of questions)
        expect(definitionIssues(question, keys), `${pack}.${question.key}`).toEqual([]);
      for (const question of questions) expect(question.text.en, question.key).toBeTruthy();
    }
    // The birthday is the most valuable generic question.
    const [first] = packQuestions("generic").sort((a, b) => b.priority - a.priority);
    expect(first?.key).toBe("birthday");
    // Health questions wait for the consent, which comes first.
    const pharmacy = packQuestions("pharmacy");
    const consent = pharmacy.find((q) => q.key === "health_consent");
    const health = pharmacy.filter((q) => q.category === "health");
    expect(consent?.type).toBe("yes_no");
    expect(health.length).toBeGreaterThan(0);
    for (const q of health) expect(q.priority).toBeLessThan(consent?.priority ?? 0);
  });

  it("creates, reads, changes and switches off questions, keeping answers; the bank's cache follows", async () => {
    expect(await bank.byKey("pet_count")).toBeUndefined();
    const created = await call("POST", "/api/questions", petCount);
    expect(created.status).toBe(201);
    expect(created.body.question).toMatchObject({
      key: "pet_count",
      type: "number",
      min: 0,
      max: 10,
      required: false,
      priority: 55,
      condition: null,
      progressive: true,
      active: true,
      version: 1,
      pack: null,
    });
    // The bot's copy of the bank sees it at once.
    expect((await bank.byKey("pet_count"))?.id).toBe(created.body.question.id);

    const got = await call("GET", "/api/questions/pet_count");
    expect(got.status).toBe(200);
    expect(got.body.question).toEqual(created.body.question);
    const listed = await call("GET", "/api/questions");
    expect(listed.body.questions.map((q: { key: string }) => q.key)).toContain("pet_count");

    // Priority is not what the customer sees: the version stays.
    const reprioritised = await call("PUT", "/api/questions/pet_count", { priority: 60 });
    expect(reprioritised.status).toBe(200);
    expect(reprioritised.body.question).toMatchObject({ priority: 60, version: 1, min: 0 });
    // A new wording or range does change it.
    const reworded = await call("PUT", "/api/questions/pet_count", {
      text: { ru: "Сколько питомцев живёт у вас дома?" },
      max: 20,
    });
    expect(reworded.body.question).toMatchObject({ version: 2, max: 20, priority: 60 });
    expect((await bank.byKey("pet_count"))?.version).toBe(2);

    // Someone answers it: the type may no longer change.
    const customer = await db.prisma.customer.create({
      data: { referralCode: "QAPI1", status: "ACTIVE" },
    });
    await saveAnswer(db.sql, {
      customerId: customer.id,
      question: { id: created.body.question.id, key: "pet_count" },
      value: 2,
      source: AnswerSource.profile,
      consentVersion: "v1",
    });
    const retyped = await call("PUT", "/api/questions/pet_count", {
      type: "text",
      min: null,
      max: null,
    });
    expect(retyped.status).toBe(409);
    expect(retyped.body.error.details).toMatchObject({ field: "type", type: "number" });

    const removed = await call("DELETE", "/api/questions/pet_count");
    expect(removed.status).toBe(200);
    expect(removed.body.question).toMatchObject({ key: "pet_count", active: false, version: 2 });
    expect((await bank.active()).map((q) => q.key)).not.toContain("pet_count");
    // The answer and the profile stay.
    expect(await db.prisma.surveyAnswer.count({ where: { customerId: customer.id } })).toBe(1);
    expect(
      (await db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).attributes,
    ).toEqual({ pet_count: 2 });
    const inactive = await call("GET", "/api/questions?active=false");
    expect(inactive.body.questions.map((q: { key: string }) => q.key)).toEqual(["pet_count"]);

    const audit = await db.prisma.auditEntry.findMany({
      where: { action: "question.changed" },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((e) => (e.data as { change: string }).change)).toEqual([
      "created",
      "updated",
      "updated",
      "deactivated",
    ]);
  });

  it("refuses bad definitions naming the field, and a key taken (another type: 409)", async () => {
    const unknownType = await call("POST", "/api/questions", {
      ...petCount,
      key: "x1",
      type: "colour",
    });
    expect(unknownType.status).toBe(400);
    expect(fields(unknownType)).toEqual(["type"]);

    const noOptions = await call("POST", "/api/questions", {
      key: "pet_size",
      type: "single_choice",
      text: { ru: "Размер питомца?" },
    });
    expect(noOptions.status).toBe(400);
    expect(fields(noOptions)).toEqual(["options"]);

    // A standard field keeps its type and, for the gender, its fixed options.
    const birthdayAsText = await call("POST", "/api/questions", {
      key: "birthday",
      type: "text",
      text: { ru: "Когда?" },
    });
    expect(birthdayAsText.status).toBe(409);
    expect(birthdayAsText.body.error.details.field).toBe("type");
    await db.prisma.question.delete({ where: { key: "gender" } });
    const gender = await call("POST", "/api/questions", {
      key: "gender",
      type: "single_choice",
      text: { ru: "Пол?" },
      options: [
        { value: "FEMALE", label: { ru: "Ж" } },
        { value: "ROBOT", label: { ru: "Робот" } },
      ],
    });
    expect(gender.status).toBe(400);
    expect(fields(gender)).toEqual(["options"]);
    const genderAsText = await call("POST", "/api/questions", {
      key: "gender",
      type: "text",
      text: { ru: "Пол?" },
    });
    expect(genderAsText.status).toBe(400);
    expect(fields(genderAsText)).toEqual(["type"]);

    const condition = await call("POST", "/api/questions", {
      key: "dog_breed",
      type: "text",
      text: { ru: "Какой породы собака?" },
      condition: { key: "pet_species", values: ["dog"] },
    });
    expect(condition.status).toBe(400);
    expect(fields(condition)).toEqual(["condition.key"]);

    const taken = await call("POST", "/api/questions", { ...petCount, text: { ru: "Ещё раз" } });
    expect(taken.status).toBe(409);
    const otherType = await call("POST", "/api/questions", {
      key: "pet_count",
      type: "text",
      text: { ru: "Питомцы" },
    });
    expect(otherType.status).toBe(409);
    expect(otherType.body.error.details).toMatchObject({ field: "type", type: "number" });

    const badPatch = await call("PUT", "/api/questions/city", { options: [], colour: "red" });
    expect(badPatch.status).toBe(400);
    const crossField = await call("PUT", "/api/questions/city", { min: 1 });
    expect(crossField.status).toBe(400);
    expect(fields(crossField)).toEqual(["min"]);

    const missing = await call("GET", "/api/questions/nope");
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain("nope");
    expect((await call("PUT", "/api/questions/nope", { priority: 1 })).status).toBe(404);
    expect((await call("DELETE", "/api/questions/nope")).status).toBe(404);

    const malformed = await api.request("/api/questions", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: "bad_request" } });
  });

  it("applies packs without overwriting the owner's edits and records the pack", async () => {
    const listed = await call("GET", "/api/questions/packs");
    expect(listed.status).toBe(200);
    expect(listed.body.packs).toEqual(describePacks());
    const pets = listed.body.packs.find((p: { key: string }) => p.key === "pets");
    expect(pets.questions).toEqual(
      expect.arrayContaining(["birthday", "pet_species", "pet_name", "pet_birthday"]),
    );

    // The owner's own wording of the birthday.
    const edited = await call("PUT", "/api/questions/birthday", {
      text: { ru: "Ваш день рождения?", en: "Your birthday?" },
    });
    expect(edited.status).toBe(200);

    const applied = await call("POST", "/api/questions/packs/pets");
    expect(applied.status).toBe(200);
    expect(applied.body.added.map((q: { key: string }) => q.key)).toEqual([
      "gender",
      "pet_species",
      "pet_name",
      "pet_birthday",
    ]);
    expect(applied.body.added[3]).toMatchObject({
      pack: "pets",
      condition: { key: "pet_species" },
      min: -30 * 365,
      max: 0,
    });
    expect(applied.body.kept).toEqual(
      expect.arrayContaining(["birthday", "city", "email", "interests"]),
    );
    expect((await bank.byKey("pet_name"))?.pack).toBe("pets");
    const birthday = await call("GET", "/api/questions/birthday");
    expect(birthday.body.question.text).toEqual({ ru: "Ваш день рождения?", en: "Your birthday?" });

    const again = await call("POST", "/api/questions/packs/pets");
    expect(again.body.added).toEqual([]);
    const settings = await call("GET", "/api/settings/loyalty");
    expect(settings.body.settings.questions.pack).toBe("pets");

    const pharmacy = await call("POST", "/api/questions/packs/pharmacy");
    expect(pharmacy.body.added.map((q: { key: string }) => q.key)).toEqual([
      "health_consent",
      "health_interests",
    ]);
    expect(pharmacy.body.added[1].category).toBe("health");

    const unknown = await call("POST", "/api/questions/packs/bakery");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain("bakery");

    expect(await db.prisma.auditEntry.count({ where: { action: "question.pack_applied" } })).toBe(
      3,
    );
  });

  it("is for managers and owners: a cashier's token gets 403", async () => {
    const cashier = (await call("POST", "/api/tokens", { name: "Касса", role: "CASHIER" })).body
      .token as string;
    const manager = (await call("POST", "/api/tokens", { name: "Менеджер", role: "MANAGER" })).body
      .token as string;
    for (const [method, path, body] of [
      ["GET", "/api/questions"],
      ["POST", "/api/questions", { ...petCount, key: "cashier_q" }],
      ["GET", "/api/questions/city"],
      ["PUT", "/api/questions/city", { priority: 10 }],
      ["DELETE", "/api/questions/city"],
      ["GET", "/api/questions/packs"],
      ["POST", "/api/questions/packs/beauty"],
    ] as Array<[string, string, unknown?]>) {
      expect((await call(method, path, body, cashier)).status, `${method} ${path}`).toBe(403);
    }
    expect((await call("GET", "/api/questions", undefined, manager)).status).toBe(200);
    // A manager applies a pack; the settings record is the program's.
    const applied = await call("POST", "/api/questions/packs/beauty", undefined, manager);
    expect(applied.status).toBe(200);
    const settings = await db.prisma.loyaltySettings.findUniqueOrThrow({ where: { id: 1 } });
    expect((settings.settings as { questions: { pack: string } }).questions.pack).toBe("beauty");
  });
});
