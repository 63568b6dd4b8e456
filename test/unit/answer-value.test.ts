import { describe, expect, it } from "vitest";
import {
  isValidValue,
  parseButtonAnswer,
  parseTypedAnswer,
} from "../../core/questions/answer-value.ts";
import type { Question } from "../../core/questions/types.ts";

const now = new Date("2026-11-25T12:00:00Z");
const context = { now, phoneDefaultRegion: "RU" };

function question(patch: Partial<Question>): Question {
  return {
    id: "00000000-0000-4000-8000-000000000001",
    key: "custom",
    type: "text",
    text: { ru: "Вопрос?" },
    options: [],
    min: null,
    max: null,
    required: false,
    priority: 50,
    condition: null,
    category: null,
    progressive: true,
    active: true,
    version: 1,
    pack: null,
    ...patch,
  };
}

const species = question({
  key: "pet_species",
  type: "single_choice",
  options: [
    { value: "dog", label: { ru: "Собака", en: "Dog" } },
    { value: "cat", label: { ru: "Кошка", en: "Cat" } },
    { value: "parrot", label: { ru: "Попугай" } },
  ],
});

describe("typed answers", () => {
  it("text: cleaned, not empty, not longer than 500 characters", () => {
    expect(parseTypedAnswer(question({}), "  Рекс\u200b  лучший ", context)).toEqual({
      ok: true,
      value: "Рекс лучший",
    });
    expect(parseTypedAnswer(question({}), "   ", context)).toMatchObject({ reason: "text_empty" });
    expect(parseTypedAnswer(question({}), "а".repeat(10_000), context)).toMatchObject({
      reason: "text_too_long",
      vars: { max: 500 },
    });
  });

  it("number: decimal comma, the range, whole children", () => {
    const weight = question({ type: "number", min: 0.5, max: 90 });
    expect(parseTypedAnswer(weight, "4,5", context)).toEqual({ ok: true, value: 4.5 });
    expect(parseTypedAnswer(weight, "четыре", context)).toMatchObject({ reason: "number_invalid" });
    expect(parseTypedAnswer(weight, "120", context)).toEqual({
      ok: false,
      reason: "number_out_of_range",
      vars: { min: 0.5, max: 90 },
    });
    const children = question({ key: "children", type: "number", min: 0, max: 20 });
    expect(parseTypedAnswer(children, "1.5", context)).toMatchObject({
      reason: "number_not_integer",
    });
    expect(parseTypedAnswer(children, "2", context)).toEqual({ ok: true, value: 2 });
  });

  it("date: a real day, within bounds in days from today; the birthday keeps its own checks", () => {
    const installed = question({ type: "date", min: -3650, max: 0 });
    expect(parseTypedAnswer(installed, "01.03.2024", context)).toEqual({
      ok: true,
      value: "2024-03-01",
    });
    expect(parseTypedAnswer(installed, "31.02.2024", context)).toMatchObject({
      reason: "date_invalid",
    });
    expect(parseTypedAnswer(installed, "01.01.2027", context)).toMatchObject({
      reason: "date_in_future",
    });
    expect(parseTypedAnswer(installed, "01.01.1990", context)).toEqual({
      ok: false,
      reason: "date_out_of_range",
      vars: { from: "27.11.2016", to: "25.11.2026" },
    });
    const birthday = question({ key: "birthday", type: "date" });
    expect(parseTypedAnswer(birthday, "26.11.2026", context)).toMatchObject({
      reason: "date_in_future",
    });
    expect(parseTypedAnswer(birthday, "01.01.1876", context)).toMatchObject({
      reason: "date_too_old",
    });
    expect(parseTypedAnswer(birthday, "1990-12-25", context)).toEqual({
      ok: true,
      value: "1990-12-25",
    });
  });

  it("choice: a typed label or value counts, anything else is not in the list", () => {
    expect(parseTypedAnswer(species, "кошка", context)).toEqual({ ok: true, value: "cat" });
    expect(parseTypedAnswer(species, "Dog", context)).toEqual({ ok: true, value: "dog" });
    expect(parseTypedAnswer(species, "Хомяк", context)).toMatchObject({
      reason: "option_unknown",
    });
  });

  it("scales: NPS 0–10 and ratings 1–5, typed or pressed", () => {
    const nps = question({ type: "nps" });
    expect(parseTypedAnswer(nps, "10", context)).toEqual({ ok: true, value: 10 });
    expect(parseTypedAnswer(nps, "11", context)).toEqual({
      ok: false,
      reason: "scale_out_of_range",
      vars: { min: 0, max: 10 },
    });
    expect(parseButtonAnswer(nps, "11")).toMatchObject({ reason: "scale_out_of_range" });
    expect(parseButtonAnswer(question({ type: "rating" }), "0")).toMatchObject({
      reason: "scale_out_of_range",
    });
    expect(parseButtonAnswer(question({ type: "rating" }), "5")).toEqual({ ok: true, value: 5 });
  });

  it("phone and e-mail are normalised", () => {
    expect(parseTypedAnswer(question({ type: "phone" }), "8 (999) 123-45-67", context)).toEqual({
      ok: true,
      value: "+79991234567",
    });
    expect(parseTypedAnswer(question({ type: "phone" }), "12", context)).toMatchObject({
      reason: "phone_invalid",
    });
    expect(parseTypedAnswer(question({ type: "email" }), " Anna@Example.COM ", context)).toEqual({
      ok: true,
      value: "anna@example.com",
    });
  });

  it("yes/no accepts the obvious words", () => {
    const yesNo = question({ type: "yes_no" });
    expect(parseTypedAnswer(yesNo, "Да", context)).toEqual({ ok: true, value: true });
    expect(parseTypedAnswer(yesNo, "no", context)).toEqual({ ok: true, value: false });
    expect(parseTypedAnswer(yesNo, "может быть", context)).toMatchObject({
      reason: "press_button",
    });
  });
});

describe("button answers", () => {
  it("a single choice by index; an index past the options is refused", () => {
    expect(parseButtonAnswer(species, "2")).toEqual({ ok: true, value: "parrot" });
    expect(parseButtonAnswer(species, "3")).toMatchObject({ reason: "option_unknown" });
  });

  it("a multiple choice by bit mask; nothing picked is refused", () => {
    const many = question({ ...species, type: "multiple_choice" });
    expect(parseButtonAnswer(many, (0b101).toString(36))).toEqual({
      ok: true,
      value: ["dog", "parrot"],
    });
    expect(parseButtonAnswer(many, "0")).toMatchObject({ reason: "choose_at_least_one" });
  });

  it("typed types take no buttons", () => {
    expect(parseButtonAnswer(question({ type: "date" }), "1")).toMatchObject({
      reason: "text_expected",
    });
  });
});

describe("stored values checked again", () => {
  it("keeps a value of the right shape only", () => {
    expect(isValidValue(species, "cat")).toBe(true);
    expect(isValidValue(species, "hamster")).toBe(false);
    expect(isValidValue(question({ type: "nps" }), 11)).toBe(false);
    expect(isValidValue(question({ type: "yes_no" }), "yes")).toBe(false);
  });
});
