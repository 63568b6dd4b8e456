import type { Gender } from "../db/client.ts";
import { parseCardNumber } from "../loyalty/card-number.ts";
import {
  parseBirthday,
  parseCity,
  parseEmail,
  parseName,
  parsePhone,
} from "../profile/validation.ts";
import { parseButtonAnswer, parseTypedAnswer } from "../questions/answer-value.ts";
import type { AnswerValue, Question } from "../questions/types.ts";
import type { ColumnMapping, ImportField } from "./mapping.ts";

/** One valid row of the file, cleaned. Absent (empty) cells are undefined: they change nothing. */
export type ImportRecord = {
  /** The row number in the file (the header is a row too), as a spreadsheet shows it. */
  row: number;
  phone: string;
  name?: string;
  email?: string;
  birthday?: Date;
  city?: string;
  gender?: Gender;
  /** The plastic card's number when it is valid for our format (12 digits, Luhn). */
  card?: string;
  /** A card number given but not ours: a new one is issued and the row says so. */
  foreignCard?: string;
  balance?: number;
  tags?: string[];
  marketingConsent?: boolean;
  attributes?: Record<string, AnswerValue>;
};

export type RowResult = { ok: true; record: ImportRecord } | { ok: false; reason: string } | null;

export type RowContext = { phoneRegion: string; now: Date; questions: Map<string, Question> };

/** The columns of the mapping by position, resolved once per file. */
export type ColumnPlan = Array<{ index: number; field: ImportField }>;

export function planColumns(headers: string[], mapping: ColumnMapping): ColumnPlan {
  const plan: ColumnPlan = [];
  headers.forEach((header, index) => {
    const field = mapping[header];
    if (field) plan.push({ index, field });
  });
  return plan;
}

const yes = new Set([
  "да",
  "д",
  "yes",
  "y",
  "1",
  "true",
  "+",
  "согласен",
  "согласна",
  "x",
  "х",
  "✓",
  "v",
]);
const no = new Set(["нет", "н", "no", "n", "0", "false", "-", "не согласен", "не согласна"]);
const genders: Record<string, Gender> = {
  м: "MALE",
  муж: "MALE",
  мужской: "MALE",
  мужчина: "MALE",
  m: "MALE",
  male: "MALE",
  man: "MALE",
  ж: "FEMALE",
  жен: "FEMALE",
  женский: "FEMALE",
  женщина: "FEMALE",
  f: "FEMALE",
  female: "FEMALE",
  woman: "FEMALE",
  другой: "OTHER",
  other: "OTHER",
};
const TAG_MAX = 40;
const TAGS_MAX = 20;

/** A quoted, shortened copy of what the cell said, for a reason. */
const quote = (text: string) => (text.length > 40 ? `"${text.slice(0, 40)}…"` : `"${text}"`);

/**
 * A row of cells as a customer record, or the reason it is refused naming the field
 * ("birthday: "31.02.1990" is not a date"). A row with every mapped cell empty is skipped (null).
 */
export function parseRow(
  cells: string[],
  row: number,
  plan: ColumnPlan,
  context: RowContext,
): RowResult {
  const record: Partial<ImportRecord> & { row: number } = { row };
  let any = false;
  for (const { index, field } of plan) {
    const text = (cells[index] ?? "").trim();
    if (text === "") continue;
    any = true;
    const reason = applyCell(record, field, text, context);
    if (reason) return { ok: false, reason };
  }
  if (!any) return null;
  if (!record.phone) return { ok: false, reason: "phone: missing" };
  return { ok: true, record: record as ImportRecord };
}

function applyCell(
  record: Partial<ImportRecord>,
  field: ImportField,
  text: string,
  context: RowContext,
): string | null {
  switch (field) {
    case "phone": {
      const parsed = parsePhone(text, context.phoneRegion);
      if (!parsed.ok) return `phone: ${quote(text)} is not a phone number`;
      record.phone = parsed.value.e164;
      return null;
    }
    case "name": {
      const parsed = parseName(text);
      if (!parsed.ok)
        return `name: ${quote(text)} ${parsed.reason === "name_too_long" ? "is too long" : "has no letters"}`;
      record.name = parsed.value;
      return null;
    }
    case "email": {
      const parsed = parseEmail(text);
      if (!parsed.ok) return `email: ${quote(text)} is not an email address`;
      record.email = parsed.value;
      return null;
    }
    case "birthday": {
      const parsed = parseBirthday(text, context.now);
      if (!parsed.ok) {
        const why =
          parsed.reason === "date_in_future"
            ? "is in the future"
            : parsed.reason === "date_too_old"
              ? "is too long ago"
              : "is not a date";
        return `birthday: ${text.length > 40 ? quote(text) : text} ${why}`;
      }
      record.birthday = parsed.value;
      return null;
    }
    case "city": {
      const parsed = parseCity(text);
      if (!parsed.ok) return `city: ${quote(text)} is not a city name`;
      record.city = parsed.value;
      return null;
    }
    case "gender": {
      const gender = genders[text.toLowerCase().replace(/\.$/, "")];
      if (!gender) return `gender: ${quote(text)} is not male, female or other`;
      record.gender = gender;
      return null;
    }
    case "card": {
      const number = parseCardNumber(text);
      if (number) record.card = number;
      else if (text.length <= 40) record.foreignCard = text;
      else return `card: ${quote(text)} is too long for a card number`;
      return null;
    }
    case "balance": {
      const cleaned = text.replace(/[\s\u00a0]/g, "").replace(",", ".");
      const value = Number(cleaned);
      if (!/^-?\d+(\.\d+)?$/.test(cleaned) || !Number.isFinite(value)) {
        return `balance: ${quote(text)} is not a number`;
      }
      if (!Number.isInteger(value)) return `balance: ${text} is not a whole number of points`;
      if (value < 0) return `balance: ${text} is negative`;
      if (value > 100_000_000) return `balance: ${text} is too large`;
      if (value > 0) record.balance = value;
      return null;
    }
    case "tags": {
      const tags = [
        ...new Set(
          text
            .split(/[,;|]/)
            .map((tag) => tag.trim())
            .filter(Boolean),
        ),
      ];
      if (tags.some((tag) => tag.length > TAG_MAX))
        return `tags: a tag is longer than ${TAG_MAX} characters`;
      if (tags.length > TAGS_MAX) return `tags: more than ${TAGS_MAX} tags`;
      record.tags = tags;
      return null;
    }
    case "marketingConsent": {
      const word = text.toLowerCase();
      if (yes.has(word)) record.marketingConsent = true;
      else if (no.has(word)) record.marketingConsent = false;
      else return `marketingConsent: ${quote(text)} is neither yes nor no`;
      return null;
    }
    default: {
      const key = field.slice("attr:".length);
      const question = context.questions.get(key);
      if (!question) return null; // a question switched off since the mapping was made
      const typed = parseTypedAnswer(question, text, {
        now: context.now,
        phoneDefaultRegion: context.phoneRegion,
      });
      const parsed = typed.ok ? typed : parseButtonAnswer(question, text);
      if (!parsed.ok)
        return `${key}: ${quote(text)} is not a valid answer (${typed.ok ? "" : typed.reason})`;
      record.attributes = { ...record.attributes, [key]: parsed.value };
      return null;
    }
  }
}
