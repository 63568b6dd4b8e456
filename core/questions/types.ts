import { z } from "zod";
import { QuestionType as QuestionTypeEnum } from "../../prisma/generated/enums.ts";

/**
 * What a question is, in one place: the answer types come from the schema's QuestionType enum
 * and are spelled in lower case in the API ("single_choice"); the zod schemas below validate
 * every definition, whether it comes from the API, a survey or a pack.
 */
export const QuestionTypes = Object.values(QuestionTypeEnum).map(
  (type) => type.toLowerCase() as Lowercase<QuestionTypeEnum>,
);
export type QuestionType = Lowercase<QuestionTypeEnum>;

export function storedQuestionType(type: QuestionType): QuestionTypeEnum {
  return type.toUpperCase() as QuestionTypeEnum;
}

/** Types answered with a button; the rest are typed. */
export const buttonTypes: ReadonlySet<QuestionType> = new Set([
  "single_choice",
  "multiple_choice",
  "yes_no",
  "rating",
  "nps",
]);

export const choiceTypes: ReadonlySet<QuestionType> = new Set(["single_choice", "multiple_choice"]);

/** The fixed scales: their range is not the owner's to set. */
export const scaleRanges: Partial<Record<QuestionType, { min: number; max: number }>> = {
  rating: { min: 1, max: 5 },
  nps: { min: 0, max: 10 },
};

export const QUESTION_KEY_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
/** Options travel in callback data (an index), so a question has at most this many. */
export const MAX_OPTIONS = 20;
export const TEXT_ANSWER_MAX_LENGTH = 500;

const text = (max: number) => z.string().trim().min(1).max(max);

/** A text in the bot's languages; Russian first, English falls back to it when left out. */
export const LocalizedTextSchema = z
  .strictObject({
    ru: text(1000),
    en: text(1000).optional(),
  })
  .meta({ id: "LocalizedText" });
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

export const OptionSchema = z.strictObject({
  value: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "letters, digits, _ and -, up to 40 characters"),
  label: z.strictObject({ ru: text(60), en: text(60).optional() }),
});
export type QuestionOption = z.infer<typeof OptionSchema>;

/** Ask only when the answer to `key` is one of `values` (for a multiple choice: contains one). */
export const ConditionSchema = z.strictObject({
  key: z.string().regex(QUESTION_KEY_PATTERN),
  values: z
    .array(z.union([z.string().max(40), z.number(), z.boolean()]))
    .min(1)
    .max(20),
});
export type QuestionCondition = z.infer<typeof ConditionSchema>;

export const QuestionCategories = ["health"] as const;

/** A question as the owner defines it (POST /api/questions, inline in POST /api/surveys). */
export const QuestionDefinitionSchema = z
  .strictObject({
    key: z
      .string()
      .regex(QUESTION_KEY_PATTERN, "lower_snake_case, up to 32 characters, e.g. pet_species"),
    type: z.enum(QuestionTypes as [QuestionType, ...QuestionType[]]),
    text: LocalizedTextSchema,
    options: z.array(OptionSchema).max(MAX_OPTIONS).default([]),
    min: z.number().finite().nullable().default(null),
    max: z.number().finite().nullable().default(null),
    required: z.boolean().default(false),
    priority: z.number().int().min(0).max(100).default(50),
    condition: ConditionSchema.nullable().default(null),
    category: z.enum(QuestionCategories).nullable().default(null),
    progressive: z.boolean().default(true),
    active: z.boolean().default(true),
  })
  .superRefine((question, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: "custom", path: [path], message });
    if (choiceTypes.has(question.type)) {
      if (question.options.length < 2)
        issue("options", `a ${question.type} question needs at least two options`);
      const values = question.options.map((o) => o.value);
      if (new Set(values).size !== values.length) issue("options", "option values must differ");
    } else if (question.options.length > 0) {
      issue("options", `a ${question.type} question has no options`);
    }
    if (question.min !== null && question.max !== null && question.min > question.max)
      issue("min", "must not be greater than max");
    if ((question.min !== null || question.max !== null) && !rangedTypes.has(question.type))
      issue("min", `a ${question.type} question has no range`);
    if (question.condition?.key === question.key)
      issue("condition", "a question cannot depend on itself");
  })
  // The name the API document gives it (zod's own metadata; see api/openapi.ts).
  .meta({ id: "QuestionDefinition" });

/** min/max mean a range of numbers, or of days from today for dates. */
const rangedTypes: ReadonlySet<QuestionType> = new Set(["number", "date"]);

export type QuestionDefinition = z.infer<typeof QuestionDefinitionSchema>;
export type QuestionDefinitionInput = z.input<typeof QuestionDefinitionSchema>;

/** A question of the bank as stored. */
export type Question = QuestionDefinition & {
  id: string;
  version: number;
  pack: string | null;
};

/**
 * An answer's value as it is stored (SurveyAnswer.value, Customer.attributes.<key>):
 * text, phone (E.164), email, single choice (the option's value), date ("YYYY-MM-DD") → string;
 * number, rating, nps → number; yes_no → boolean; multiple choice → the options' values.
 */
export type AnswerValue = string | number | boolean | string[];

/** The text in a language, falling back to Russian. */
export function localized(text: { ru: string; en?: string | undefined }, language: string): string {
  return (language === "en" ? text.en : undefined) ?? text.ru;
}
