import { describe, expect, it } from "vitest";
import type { Customer } from "../../core/db/client.ts";
import { nextQuestion } from "../../core/questions/next-question.ts";
import { withSkip } from "../../core/questions/skips.ts";
import {
  type Question,
  type QuestionDefinitionInput,
  QuestionDefinitionSchema,
} from "../../core/questions/types.ts";

const now = new Date("2026-03-10T09:00:00Z");

let ids = 0;
function question(input: Partial<QuestionDefinitionInput> & { key: string }): Question {
  const definition = QuestionDefinitionSchema.parse({
    type: "text",
    text: { ru: `Вопрос ${input.key}` },
    ...input,
  });
  return { ...definition, id: `q${++ids}`, version: 1, pack: null };
}

function customer(fields: Partial<Customer> = {}): Customer {
  return {
    id: "c1",
    birthday: null,
    gender: null,
    city: null,
    email: null,
    interests: [],
    familyStatus: null,
    children: null,
    healthConsentAt: null,
    healthConsentDeclinedAt: null,
    attributes: {},
    questionSkips: {},
    ...fields,
  } as Customer;
}

const keyOf = (q: Question | null) => q?.key ?? null;

describe("the next progressive question", () => {
  const city = question({ key: "city", priority: 80 });
  const email = question({ key: "email", type: "email", priority: 60 });
  const petName = question({ key: "pet_name", priority: 60 });
  const bank = [petName, email, city];

  it("goes by priority, then by key", () => {
    expect(keyOf(nextQuestion(customer(), bank, now))).toBe("city");
    expect(keyOf(nextQuestion(customer({ city: "Казань" }), bank, now))).toBe("email");
    expect(keyOf(nextQuestion(customer({ city: "Казань", email: "a@b.ru" }), bank, now))).toBe(
      "pet_name",
    );
    const everything = customer({
      city: "Казань",
      email: "a@b.ru",
      attributes: { pet_name: "Рыжик" },
    });
    expect(nextQuestion(everything, bank, now)).toBeNull();
  });

  it("leaves out inactive and non-progressive questions", () => {
    const quiet = [
      question({ key: "shoe_size", priority: 99, active: false }),
      question({ key: "favourite", priority: 98, progressive: false }),
      city,
    ];
    expect(keyOf(nextQuestion(customer(), quiet, now))).toBe("city");
  });

  it("respects Skip (twice = never) and Later (until its date)", () => {
    const once = withSkip({}, "city", { kind: "skip" });
    expect(keyOf(nextQuestion(customer({ questionSkips: once }), bank, now))).toBe("city");
    const twice = withSkip(once, "city", { kind: "skip" });
    expect(keyOf(nextQuestion(customer({ questionSkips: twice }), bank, now))).toBe("email");
    const later = withSkip({}, "city", {
      kind: "later",
      until: new Date(now.getTime() + 86_400_000),
    });
    expect(keyOf(nextQuestion(customer({ questionSkips: later }), bank, now))).toBe("email");
    const dayAfter = new Date(now.getTime() + 2 * 86_400_000);
    expect(keyOf(nextQuestion(customer({ questionSkips: later }), bank, dayAfter))).toBe("city");
  });

  it("asks a conditional question only when the condition's answer matches", () => {
    const species = question({
      key: "pet_species",
      type: "single_choice",
      priority: 90,
      options: [
        { value: "dog", label: { ru: "Собака" } },
        { value: "cat", label: { ru: "Кошка" } },
      ],
    });
    const breed = question({
      key: "dog_breed",
      priority: 95,
      condition: { key: "pet_species", values: ["dog"] },
    });
    const interests = question({
      key: "interests",
      type: "multiple_choice",
      priority: 10,
      options: [
        { value: "sport", label: { ru: "Спорт" } },
        { value: "books", label: { ru: "Книги" } },
      ],
    });
    const club = question({
      key: "book_club",
      type: "yes_no",
      priority: 5,
      condition: { key: "interests", values: ["books"] },
    });
    const pets = [breed, species, interests, club];
    expect(keyOf(nextQuestion(customer(), pets, now))).toBe("pet_species");
    expect(keyOf(nextQuestion(customer({ attributes: { pet_species: "cat" } }), pets, now))).toBe(
      "interests",
    );
    expect(keyOf(nextQuestion(customer({ attributes: { pet_species: "dog" } }), pets, now))).toBe(
      "dog_breed",
    );
    // A multiple choice meets the condition when it contains one of the values.
    const reader = customer({ attributes: { pet_species: "cat" }, interests: ["sport", "books"] });
    expect(keyOf(nextQuestion(reader, pets, now))).toBe("book_club");
    const athlete = customer({ attributes: { pet_species: "cat" }, interests: ["sport"] });
    expect(nextQuestion(athlete, pets, now)).toBeNull();
  });

  describe("health questions", () => {
    const consent = question({ key: "health_consent", type: "yes_no", priority: 1 });
    const allergy = question({ key: "allergy", priority: 70, category: "health" });
    const health = [allergy, consent, city];

    it("ask for the consent first, right when a health question would be next", () => {
      expect(keyOf(nextQuestion(customer(), health, now))).toBe("city");
      expect(keyOf(nextQuestion(customer({ city: "Тверь" }), health, now))).toBe("health_consent");
    });

    it("follow a given consent, and stop after a refusal", () => {
      const agreed = customer({ city: "Тверь", healthConsentAt: now });
      expect(keyOf(nextQuestion(agreed, health, now))).toBe("allergy");
      const refused = customer({ city: "Тверь", healthConsentDeclinedAt: now });
      expect(nextQuestion(refused, health, now)).toBeNull();
    });

    it("are not asked without a consent question in the bank, nor is the consent on its own", () => {
      expect(nextQuestion(customer({ city: "Тверь" }), [allergy, city], now)).toBeNull();
      expect(nextQuestion(customer({ city: "Тверь" }), [consent, city], now)).toBeNull();
    });

    it("wait while the consent question is skipped for good", () => {
      const skipped = withSkip(withSkip({}, "health_consent", { kind: "skip" }), "health_consent", {
        kind: "skip",
      });
      const c = customer({ city: "Тверь", questionSkips: skipped });
      expect(nextQuestion(c, health, now)).toBeNull();
    });
  });
});
