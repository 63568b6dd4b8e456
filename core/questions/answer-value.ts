import {
  type Parsed,
  parseBirthday,
  parseCity,
  parseDate,
  parseEmail,
  parsePhone,
} from "../profile/validation.ts";
import { type AnswerValue, type Question, scaleRanges, TEXT_ANSWER_MAX_LENGTH } from "./types.ts";

/**
 * Turning what a customer typed or pressed into an answer's value, by the question's type. A
 * refusal names a reason the bot turns into a specific hint (`invalid-<reason>` in
 * bot/locales), with the variables the hint needs (the range, the scale).
 */
export type AnswerRefusal = { reason: string; vars?: Record<string, string | number> };
export type ParsedAnswer = { ok: true; value: AnswerValue } | ({ ok: false } & AnswerRefusal);

export type AnswerContext = {
  now: Date;
  /** For phone numbers typed without a country code. */
  phoneDefaultRegion: string;
};

type QuestionShape = Pick<Question, "key" | "type" | "options" | "min" | "max">;

const DAY_MS = 24 * 60 * 60 * 1000;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

function refuse(reason: string, vars?: Record<string, string | number>): ParsedAnswer {
  return vars ? { ok: false, reason, vars } : { ok: false, reason };
}

function fromParsed<T>(parsed: Parsed<T, string>, map: (value: T) => AnswerValue): ParsedAnswer {
  return parsed.ok ? { ok: true, value: map(parsed.value) } : refuse(parsed.reason);
}

function parseNumberText(text: string): number | undefined {
  const cleaned = text.trim().replace(/\s+/g, "").replace(",", ".");
  if (!/^[-+]?\d+(\.\d+)?$/.test(cleaned)) return undefined;
  const value = Number(cleaned);
  return Number.isFinite(value) ? value : undefined;
}

function inRange(question: QuestionShape, value: number): ParsedAnswer {
  const min = question.min ?? Number.NEGATIVE_INFINITY;
  const max = question.max ?? Number.POSITIVE_INFINITY;
  if (value < min || value > max) {
    return refuse("number_out_of_range", {
      min: question.min ?? "−∞",
      max: question.max ?? "∞",
    });
  }
  return { ok: true, value };
}

function parseDateAnswer(question: QuestionShape, text: string, now: Date): ParsedAnswer {
  // The birthday keeps its own checks and hints (not in the future, not 150 years ago).
  if (question.key === "birthday") return fromParsed(parseBirthday(text, now), isoDay);
  const parsed = parseDate(text);
  if (!parsed.ok) return refuse(parsed.reason);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const from = question.min === null ? undefined : new Date(today + question.min * DAY_MS);
  const to = question.max === null ? undefined : new Date(today + question.max * DAY_MS);
  const time = parsed.value.getTime();
  if (to && time > to.getTime() && question.max === 0) return refuse("date_in_future");
  if ((from && time < from.getTime()) || (to && time > to.getTime())) {
    const show = (d: Date | undefined) =>
      d
        ? `${String(d.getUTCDate()).padStart(2, "0")}.${String(d.getUTCMonth() + 1).padStart(2, "0")}.${d.getUTCFullYear()}`
        : "…";
    return refuse("date_out_of_range", { from: show(from), to: show(to) });
  }
  return { ok: true, value: isoDay(parsed.value) };
}

const yesWords = new Set(["да", "yes", "y", "д", "ага", "+"]);
const noWords = new Set(["нет", "no", "n", "н", "-"]);

/** A typed answer. Button types accept typed forms too (a number for a scale, "да" / "no"). */
export function parseTypedAnswer(
  question: QuestionShape,
  input: string,
  context: AnswerContext,
): ParsedAnswer {
  const text = input.trim();
  switch (question.type) {
    case "text": {
      if (question.key === "city") return fromParsed(parseCity(text), (v) => v);
      const cleaned = text
        .replace(/[\p{Cc}\p{Cf}]/gu, "")
        .replace(/\s+/g, " ")
        .trim();
      if (cleaned.length === 0) return refuse("text_empty");
      if ([...cleaned].length > TEXT_ANSWER_MAX_LENGTH)
        return refuse("text_too_long", { max: TEXT_ANSWER_MAX_LENGTH });
      return { ok: true, value: cleaned };
    }
    case "number": {
      const value = parseNumberText(text);
      if (value === undefined) return refuse("number_invalid");
      // The number of children is a count, stored as a whole number.
      if (question.key === "children" && !Number.isInteger(value))
        return refuse("number_not_integer");
      return inRange(question, value);
    }
    case "date":
      return parseDateAnswer(question, text, context.now);
    case "email":
      return fromParsed(parseEmail(text), (v) => v);
    case "phone":
      return fromParsed(parsePhone(text, context.phoneDefaultRegion), (v) => v.e164);
    case "rating":
    case "nps": {
      const range = scaleRanges[question.type] as { min: number; max: number };
      const value = parseNumberText(text);
      if (value === undefined || !Number.isInteger(value) || value < range.min || value > range.max)
        return refuse("scale_out_of_range", range);
      return { ok: true, value };
    }
    case "yes_no": {
      const word = text.toLowerCase();
      if (yesWords.has(word)) return { ok: true, value: true };
      if (noWords.has(word)) return { ok: true, value: false };
      return refuse("press_button");
    }
    case "single_choice": {
      // A typed label or value counts; anything else is not in the list.
      const word = text.toLowerCase();
      const option = question.options.find(
        (o) =>
          o.value.toLowerCase() === word ||
          o.label.ru.toLowerCase() === word ||
          o.label.en?.toLowerCase() === word,
      );
      return option ? { ok: true, value: option.value } : refuse("option_unknown");
    }
    case "multiple_choice":
      return refuse("option_unknown");
  }
}

/**
 * The value a button carries (callback data keeps it short): an option's index for a single
 * choice, a bit mask of indexes for a multiple choice, "1"/"0" for yes/no, the score for a scale.
 */
export function parseButtonAnswer(question: QuestionShape, raw: string): ParsedAnswer {
  switch (question.type) {
    case "single_choice": {
      const option = question.options[Number(raw)];
      return /^\d{1,2}$/.test(raw) && option
        ? { ok: true, value: option.value }
        : refuse("option_unknown");
    }
    case "multiple_choice": {
      const mask = /^[0-9a-z]{1,5}$/.test(raw) ? Number.parseInt(raw, 36) : 0;
      const values = question.options.filter((_, i) => (mask >> i) & 1).map((o) => o.value);
      return values.length > 0 ? { ok: true, value: values } : refuse("choose_at_least_one");
    }
    case "yes_no":
      return raw === "1" || raw === "0" ? { ok: true, value: raw === "1" } : refuse("press_button");
    case "rating":
    case "nps": {
      const range = scaleRanges[question.type] as { min: number; max: number };
      const value = Number(raw);
      return /^\d{1,2}$/.test(raw) && value >= range.min && value <= range.max
        ? { ok: true, value }
        : refuse("scale_out_of_range", range);
    }
    default:
      return refuse("text_expected");
  }
}

/** The value checked against the question again (an import, the API, an answer kept from before). */
export function isValidValue(question: QuestionShape, value: unknown): value is AnswerValue {
  switch (question.type) {
    case "multiple_choice":
      return (
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((v) => question.options.some((o) => o.value === v))
      );
    case "single_choice":
      return question.options.some((o) => o.value === value);
    case "yes_no":
      return typeof value === "boolean";
    case "number":
    case "rating":
    case "nps":
      return (
        typeof value === "number" &&
        parseTypedAnswer(question, String(value), {
          now: new Date(),
          phoneDefaultRegion: "RU",
        }).ok
      );
    default:
      return typeof value === "string";
  }
}
