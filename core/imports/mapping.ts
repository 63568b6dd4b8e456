import { isStandardField } from "../questions/standard-fields.ts";
import type { Question } from "../questions/types.ts";

/** The customer fields a column can fill; `attr:<key>` is a custom attribute of the bank. */
export const ImportFields = [
  "name",
  "phone",
  "email",
  "birthday",
  "city",
  "gender",
  "card",
  "balance",
  "tags",
  "marketingConsent",
] as const;
export type StandardImportField = (typeof ImportFields)[number];
export type ImportField = StandardImportField | `attr:${string}`;
/** `{ "<header as in the file>": "<field>" | null }`: null leaves the column out. */
export type ColumnMapping = Record<string, ImportField | null>;

/** Header words as owners write them in Russian and English spreadsheets, compared normalised. */
const synonyms: Record<StandardImportField, string[]> = {
  name: [
    "фио",
    "имя",
    "имя фамилия",
    "фамилия имя",
    "фамилия имя отчество",
    "клиент",
    "покупатель",
    "name",
    "full name",
    "customer",
    "client",
  ],
  phone: [
    "телефон",
    "тел",
    "тел.",
    "моб",
    "мобильный",
    "мобильный телефон",
    "номер телефона",
    "phone",
    "phone number",
    "mobile",
    "tel",
    "telephone",
  ],
  email: [
    "email",
    "e-mail",
    "e mail",
    "почта",
    "эл почта",
    "эл. почта",
    "электронная почта",
    "mail",
  ],
  birthday: [
    "дата рождения",
    "др",
    "д.р.",
    "д/р",
    "день рождения",
    "birthday",
    "birth date",
    "date of birth",
    "dob",
  ],
  city: ["город", "city", "town"],
  gender: ["пол", "gender", "sex"],
  card: ["номер карты", "карта", "карта №", "№ карты", "card", "card number", "card no"],
  balance: [
    "баланс",
    "бонусы",
    "баллы",
    "бонусный баланс",
    "balance",
    "points",
    "bonus",
    "bonuses",
  ],
  tags: ["теги", "метки", "tags", "labels"],
  marketingConsent: [
    "согласие на рассылку",
    "рассылка",
    "согласие",
    "marketing consent",
    "marketing",
    "newsletter",
    "consent",
    "subscribed",
  ],
};

export function normaliseHeader(header: string): string {
  return header
    .toLowerCase()
    .replace(/ё/g, "е")
    .replace(/[\s_]+/g, " ")
    .replace(/[:*]+$/, "")
    .trim();
}

const byWord = new Map<string, StandardImportField>();
for (const [field, words] of Object.entries(synonyms) as [StandardImportField, string[]][]) {
  for (const word of words) byWord.set(normaliseHeader(word), field);
}

/**
 * Each header's field, guessed: a known word in Russian or English, or a custom question of the
 * bank by its key or its text. `override` (the caller's `mapping`) wins for the headers it
 * names. A field is filled from its first column only.
 */
export function guessMapping(
  headers: string[],
  questions: Pick<Question, "key" | "text" | "active">[],
  override: ColumnMapping = {},
): ColumnMapping {
  const custom = new Map<string, string>();
  for (const q of questions) {
    if (!q.active || isStandardField(q.key)) continue;
    for (const word of [q.key, q.text.ru, q.text.en]) {
      if (word) custom.set(normaliseHeader(word), q.key);
    }
  }
  const overrides = new Map(
    Object.entries(override).map(([header, field]) => [normaliseHeader(header), field]),
  );
  const taken = new Set<ImportField>();
  const mapping: ColumnMapping = {};
  for (const header of headers) {
    const key = normaliseHeader(header);
    if (key === "" || header in mapping) continue;
    let field: ImportField | null | undefined = overrides.get(key);
    if (field === undefined) {
      const standard = byWord.get(key);
      const attribute = custom.get(key);
      field = standard ?? (attribute ? (`attr:${attribute}` as const) : null);
    }
    if (field && taken.has(field)) field = null;
    if (field) taken.add(field);
    mapping[header] = field;
  }
  return mapping;
}

/** Whether a row of cells looks like the header: one of its cells names the phone column. */
export function isHeaderRow(cells: string[], override: ColumnMapping): boolean {
  const overrides = new Map(
    Object.entries(override).map(([header, field]) => [normaliseHeader(header), field]),
  );
  return cells.some((cell) => {
    const key = normaliseHeader(cell);
    const field = overrides.has(key) ? overrides.get(key) : byWord.get(key);
    return field === "phone";
  });
}

/** A field name a caller may put in `mapping`, or null for an unknown one. */
export function isImportField(value: string): value is ImportField {
  return (
    (ImportFields as readonly string[]).includes(value) || /^attr:[a-z][a-z0-9_]{0,39}$/.test(value)
  );
}
