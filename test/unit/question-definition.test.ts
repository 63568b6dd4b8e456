import { describe, expect, it } from "vitest";
import {
  QuestionAction,
  questionCallback,
  questionCallbackPattern,
  questionPayload,
} from "../../core/questions/question-message.ts";
import { mayAsk, readSkips, withSkip } from "../../core/questions/skips.ts";
import {
  type Question,
  QuestionDefinitionSchema,
  QuestionTypes,
} from "../../core/questions/types.ts";

function issues(input: unknown): Array<{ path: string; message: string }> {
  const parsed = QuestionDefinitionSchema.safeParse(input);
  return parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

const text = { ru: "Какой у вас питомец?", en: "What pet do you have?" };
const options = [
  { value: "dog", label: { ru: "Собака", en: "Dog" } },
  { value: "cat", label: { ru: "Кошка", en: "Cat" } },
];

describe("question definitions", () => {
  it("the types are the schema's enum in lower case", () => {
    expect(QuestionTypes).toEqual([
      "text",
      "number",
      "date",
      "single_choice",
      "multiple_choice",
      "yes_no",
      "rating",
      "nps",
      "phone",
      "email",
    ]);
  });

  it("fills defaults for a minimal definition", () => {
    expect(QuestionDefinitionSchema.parse({ key: "pet_name", type: "text", text })).toMatchObject({
      options: [],
      required: false,
      priority: 50,
      condition: null,
      progressive: true,
      active: true,
    });
  });

  it("names what is wrong", () => {
    expect(issues({ key: "pet", type: "colour", text })[0]?.path).toBe("type");
    expect(issues({ key: "pet", type: "single_choice", text })).toEqual([
      { path: "options", message: "a single_choice question needs at least two options" },
    ]);
    expect(
      issues({ key: "pet", type: "single_choice", text, options: [options[0], options[0]] }),
    ).toEqual([{ path: "options", message: "option values must differ" }]);
    expect(issues({ key: "pet", type: "text", text, options })[0]?.path).toBe("options");
    expect(issues({ key: "age", type: "number", text, min: 10, max: 1 })[0]?.path).toBe("min");
    expect(issues({ key: "Pet Species", type: "text", text })[0]?.path).toBe("key");
    expect(issues({ key: "pet", type: "text", text, colour: "red" })[0]?.path).toBe("");
    expect(
      issues({ key: "pet", type: "text", text, condition: { key: "pet", values: ["x"] } })[0]?.path,
    ).toBe("condition");
  });
});

describe("question messages", () => {
  const question: Question = {
    ...QuestionDefinitionSchema.parse({ key: "pets", type: "multiple_choice", text, options }),
    id: "00000000-0000-4000-8000-000000000001",
    version: 1,
    pack: null,
  };

  it("a multiple choice toggles by bit mask and ends with Done; Skip and Later below", () => {
    const payload = questionPayload(question, "tok", { later: true, picked: 0b10 });
    expect(payload.buttons).toEqual([
      [{ label: options[0]?.label, checked: false, data: "q:tok:t:3" }],
      [{ label: options[1]?.label, checked: true, data: "q:tok:t:0" }],
      [{ template: "btn-question-done", data: "q:tok:a:2" }],
      [
        { template: "btn-question-skip", data: "q:tok:s" },
        { template: "btn-question-later", data: "q:tok:l" },
      ],
    ]);
    expect(payload.localized).toEqual({ question: text });
  });

  it("a required question cannot be skipped", () => {
    const payload = questionPayload(
      { ...question, type: "yes_no", options: [], required: true },
      "t",
      {
        later: false,
      },
    );
    expect(payload.buttons?.flat().map((b) => ("data" in b ? b.data : ""))).toEqual([
      "q:t:a:1",
      "q:t:a:0",
    ]);
  });

  it("callback data fits Telegram's 64 bytes and parses back", () => {
    const data = questionCallback(
      "AbCdEf012345",
      QuestionAction.toggle,
      (2 ** 20 - 1).toString(36),
    );
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(questionCallbackPattern.exec(data)?.slice(1)).toEqual([
      "AbCdEf012345",
      "t",
      (2 ** 20 - 1).toString(36),
    ]);
    expect(questionCallbackPattern.exec("q:tok:s")?.slice(1, 3)).toEqual(["tok", "s"]);
  });
});

describe("skip and later", () => {
  const now = new Date("2026-11-25T12:00:00Z");

  it("skipped twice = never; later = not before the date", () => {
    let skips = readSkips(null);
    expect(mayAsk(skips, "city", now)).toBe(true);
    skips = withSkip(skips, "city", { kind: "skip" });
    expect(mayAsk(skips, "city", now)).toBe(true);
    skips = withSkip(skips, "city", { kind: "skip" });
    expect(mayAsk(skips, "city", new Date("2030-01-01"))).toBe(false);

    skips = withSkip(skips, "email", { kind: "later", until: new Date("2026-12-02T12:00:00Z") });
    expect(mayAsk(skips, "email", now)).toBe(false);
    expect(mayAsk(skips, "email", new Date("2026-12-02T12:00:00Z"))).toBe(true);
  });
});
