import { z } from "zod";
import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { Sql } from "../db/sql.ts";
import { selectQuestions } from "../db/tables/questions.ts";
import { selectSurveyQuestions } from "../db/tables/survey-runs.ts";
import {
  deleteSurvey,
  insertSurvey,
  lockSurvey,
  replaceSurveyQuestions,
  type SurveyRow,
  selectSurvey,
  selectSurveyAnswerStats,
  selectSurveyRunCounts,
  selectSurveys,
  updateSurvey,
} from "../db/tables/surveys.ts";
import { AppError } from "../errors.ts";
import { CustomEventTypeSchema } from "../loyalty/settings.ts";
import type { QuestionBank } from "../questions/bank-store.ts";
import {
  addQuestion,
  invalidInput,
  parseDefinition,
  typeConflict,
} from "../questions/manage-questions.ts";
import {
  type Question,
  QuestionDefinitionSchema,
  type QuestionType,
  scaleRanges,
} from "../questions/types.ts";

/**
 * The owner's surveys: a named, ordered list of bank questions. A question in a definition is
 * either a reference to the bank (`{"key"}`) or a whole definition, which adds the question to
 * the bank, or reuses the bank's question with that key when it has the same type (the bank's
 * wording wins: a question is defined once).
 */

/** Goes into `/start survey_<slug>` (64 characters at most, "survey_" included). */
export const SURVEY_SLUG_PATTERN = /^[a-z0-9_-]{1,40}$/;

const shape = QuestionDefinitionSchema.shape;

/** Only a key: a question of the bank. */
const isReference = (item: object) => Object.keys(item).length === 1;

const SurveyQuestionSchema = z
  .strictObject({
    key: shape.key,
    type: shape.type.optional(),
    text: shape.text.optional(),
    options: shape.options.unwrap().optional(),
    min: shape.min.unwrap().optional(),
    max: shape.max.unwrap().optional(),
    required: shape.required.unwrap().optional(),
    priority: shape.priority.unwrap().optional(),
    condition: shape.condition.unwrap().optional(),
    category: shape.category.unwrap().optional(),
    progressive: shape.progressive.unwrap().optional(),
    active: shape.active.unwrap().optional(),
  })
  .superRefine((item, ctx) => {
    if (isReference(item)) return;
    const parsed = QuestionDefinitionSchema.safeParse(item);
    if (parsed.success) return;
    for (const issue of parsed.error.issues)
      ctx.addIssue({
        code: "custom",
        path: issue.path as Array<string | number>,
        message: issue.message,
      });
  });
export type SurveyQuestionInput = z.infer<typeof SurveyQuestionSchema>;

const title = z.string().trim().min(1).max(100);

function surveySchema<Slug extends z.ZodType>(slug: Slug) {
  return z
    .strictObject({
      slug,
      title: z.strictObject({ ru: title, en: title.optional() }),
      questions: z.array(SurveyQuestionSchema).min(1).max(50),
      eventType: CustomEventTypeSchema.nullable()
        .default(null)
        .describe("A custom event of settings.eventBonuses, credited once on finishing"),
      active: z.boolean().default(true),
    })
    .superRefine((survey, ctx) => {
      const seen = new Set<string>();
      survey.questions.forEach((question, index) => {
        if (seen.has(question.key))
          ctx.addIssue({
            code: "custom",
            path: ["questions", index, "key"],
            message: `"${question.key}" is already in this survey`,
          });
        seen.add(question.key);
      });
    });
}

const slug = z
  .string()
  .regex(SURVEY_SLUG_PATTERN, "lower-case letters, digits, _ and -, up to 40 characters");

/** POST /api/surveys. */
export const SurveyDefinitionSchema = surveySchema(slug).meta({ id: "SurveyDefinition" });
/** PUT /api/surveys/:slug: the same, the slug optional (it cannot change). */
export const SurveyReplacementSchema = surveySchema(slug.optional()).meta({
  id: "SurveyReplacement",
});

export type SurveyDefinition = z.infer<typeof SurveyDefinitionSchema>;
export type SurveyReplacement = z.infer<typeof SurveyReplacementSchema>;

/**
 * The bank ids of the survey's questions, adding the inline definitions the bank lacks.
 * Returns whether the bank changed.
 */
async function resolveQuestions(
  sql: Sql,
  options: { actor: Actor; questions: SurveyQuestionInput[]; now: Date },
): Promise<{ ids: string[]; added: boolean }> {
  const bank = new Map((await selectQuestions(sql)).map((q) => [q.key, q]));
  // A condition may name a question defined further down the same survey.
  const knownKeys = new Set([...bank.keys(), ...options.questions.map((q) => q.key)]);
  const ids: string[] = [];
  let added = false;
  for (const [index, item] of options.questions.entries()) {
    const prefix = `questions.${index}.`;
    const existing = bank.get(item.key);
    if (isReference(item)) {
      if (!existing)
        throw invalidInput("Unknown question", [
          {
            field: `${prefix}key`,
            message: `no question "${item.key}" in the bank; define it here with type and text`,
          },
        ]);
      ids.push(existing.id);
      continue;
    }
    const definition = parseDefinition(item, prefix);
    if (existing) {
      if (existing.type !== definition.type)
        throw typeConflict(existing, definition, `${prefix}type`);
      ids.push(existing.id);
      continue;
    }
    const question = await addQuestion(sql, {
      actor: options.actor,
      definition,
      knownKeys,
      prefix,
      now: options.now,
    });
    bank.set(question.key, question);
    ids.push(question.id);
    added = true;
  }
  return { ids, added };
}

function checkEventType(eventType: string | null, eventTypes: readonly string[]) {
  if (eventType !== null && !eventTypes.includes(eventType))
    throw invalidInput("Unknown event type", [
      {
        field: "eventType",
        message: `not in settings.eventBonuses; known: ${eventTypes.join(", ") || "none"}`,
      },
    ]);
}

export async function createSurvey(
  sql: Sql,
  options: {
    actor: Actor;
    survey: SurveyDefinition;
    /** The custom event types of the loyalty settings (eventBonuses). */
    eventTypes: readonly string[];
    bank: QuestionBank;
    now?: Date;
  },
): Promise<SurveyRow> {
  requirePermission(options.actor, Permission.manageQuestions);
  const { survey, actor } = options;
  const now = options.now ?? new Date();
  checkEventType(survey.eventType, options.eventTypes);
  const { row, added } = await sql.transaction(async (tx) => {
    if (await selectSurvey(tx, survey.slug)) throw slugTaken(survey.slug);
    const { ids, added } = await resolveQuestions(tx, { actor, questions: survey.questions, now });
    const created = await insertSurvey(tx, survey, now);
    if (!created) throw slugTaken(survey.slug);
    await replaceSurveyQuestions(tx, created.id, ids);
    await recordAudit(tx, {
      actor,
      action: AuditAction.surveyChanged,
      data: { slug: survey.slug, change: "created", surveyId: created.id },
      now,
    });
    return { row: (await selectSurvey(tx, survey.slug)) as SurveyRow, added };
  });
  if (added) options.bank.invalidate();
  return row;
}

/** Replaces the survey's title, questions, event and state; its runs and answers stay. */
export async function replaceSurvey(
  sql: Sql,
  options: {
    actor: Actor;
    slug: string;
    survey: SurveyReplacement;
    eventTypes: readonly string[];
    bank: QuestionBank;
    now?: Date;
  },
): Promise<SurveyRow> {
  requirePermission(options.actor, Permission.manageQuestions);
  const { survey, actor, slug } = options;
  const now = options.now ?? new Date();
  const { row, added } = await sql.transaction(async (tx) => {
    const locked = await lockSurvey(tx, slug);
    if (!locked) throw surveyNotFound(slug);
    if (survey.slug !== undefined && survey.slug !== slug)
      throw invalidInput("The slug cannot change", [
        { field: "slug", message: `must be "${slug}" (links to the survey carry it) or left out` },
      ]);
    checkEventType(survey.eventType, options.eventTypes);
    const { ids, added } = await resolveQuestions(tx, { actor, questions: survey.questions, now });
    await updateSurvey(tx, locked.id, survey, now);
    await replaceSurveyQuestions(tx, locked.id, ids);
    await recordAudit(tx, {
      actor,
      action: AuditAction.surveyChanged,
      data: { slug, change: "updated", surveyId: locked.id },
      now,
    });
    return { row: (await selectSurvey(tx, slug)) as SurveyRow, added };
  });
  if (added) options.bank.invalidate();
  return row;
}

/** Deletes the survey and its runs; answers given in it stay in the log (surveyId null). */
export async function removeSurvey(
  sql: Sql,
  options: { actor: Actor; slug: string; now?: Date },
): Promise<void> {
  requirePermission(options.actor, Permission.manageQuestions);
  const now = options.now ?? new Date();
  await sql.transaction(async (tx) => {
    const locked = await lockSurvey(tx, options.slug);
    if (!locked) throw surveyNotFound(options.slug);
    await deleteSurvey(tx, locked.id);
    await recordAudit(tx, {
      actor: options.actor,
      action: AuditAction.surveyChanged,
      data: { slug: options.slug, change: "deleted", surveyId: locked.id },
      now,
    });
  });
}

export async function getSurvey(sql: Sql, options: { actor: Actor; slug: string }) {
  requirePermission(options.actor, Permission.manageQuestions);
  const survey = await selectSurvey(sql, options.slug);
  if (!survey) throw surveyNotFound(options.slug);
  return survey;
}

export async function listSurveys(sql: Sql, options: { actor: Actor }) {
  requirePermission(options.actor, Permission.manageQuestions);
  return selectSurveys(sql);
}

export type OptionCount = {
  value: string | number | boolean;
  label: { ru: string; en?: string | undefined } | null;
  count: number;
};

export type QuestionResult = {
  key: string;
  type: QuestionType;
  text: Question["text"];
  /** Customers who answered it within this survey (their latest answer counts). */
  answers: number;
  /** Per option, yes/no or score; empty for typed answers. */
  counts: OptionCount[];
  /** For number, rating and nps questions; null otherwise or without answers. */
  average: number | null;
  /** % promoters (9–10) minus % detractors (0–6), for nps questions with answers. */
  nps: number | null;
};

export type SurveyResults = {
  survey: SurveyRow;
  started: number;
  finished: number;
  questions: QuestionResult[];
};

/** GET /api/surveys/:slug/results. */
export async function surveyResults(
  sql: Sql,
  options: { actor: Actor; slug: string },
): Promise<SurveyResults> {
  // Results are what customers said, like feedback: readers (VIEWER) see them too.
  requirePermission(options.actor, Permission.viewFeedback);
  const survey = await selectSurvey(sql, options.slug);
  if (!survey) throw surveyNotFound(options.slug);
  const [questions, stats, runs] = await Promise.all([
    selectSurveyQuestions(sql, survey.id),
    selectSurveyAnswerStats(sql, survey.id),
    selectSurveyRunCounts(sql, survey.id),
  ]);
  return {
    survey,
    ...runs,
    questions: questions.map((question) => {
      const stat = stats.find((s) => s.questionId === question.id);
      const counted = new Map(stat?.counts.map((c) => [c.value, c.count]));
      const answers = stat?.answers ?? 0;
      const counts = countsOf(question, counted);
      const numeric = question.type === "number" || question.type in scaleRanges;
      return {
        key: question.key,
        type: question.type,
        text: question.text,
        answers,
        counts,
        average: numeric && stat?.average != null ? Math.round(stat.average * 100) / 100 : null,
        nps: question.type === "nps" && answers > 0 ? netPromoterScore(counts, answers) : null,
      };
    }),
  };
}

/** Every possible value with its count (0 included); values no longer offered come last. */
function countsOf(question: Question, counted: Map<string, number>): OptionCount[] {
  const take = (text: string) => {
    const count = counted.get(text) ?? 0;
    counted.delete(text);
    return count;
  };
  let counts: OptionCount[];
  const range = scaleRanges[question.type];
  if (question.options.length > 0) {
    counts = question.options.map((o) => ({
      value: o.value,
      label: o.label,
      count: take(o.value),
    }));
  } else if (question.type === "yes_no") {
    counts = [true, false].map((value) => ({ value, label: null, count: take(String(value)) }));
  } else if (range) {
    counts = [];
    for (let score = range.min; score <= range.max; score++)
      counts.push({ value: score, label: null, count: take(String(score)) });
  } else {
    return [];
  }
  for (const [value, count] of counted) counts.push({ value, label: null, count });
  return counts;
}

function netPromoterScore(counts: OptionCount[], answers: number): number {
  const sum = (test: (score: number) => boolean) =>
    counts.reduce((total, c) => total + (test(Number(c.value)) ? c.count : 0), 0);
  const promoters = sum((score) => score >= 9);
  const detractors = sum((score) => score <= 6);
  return Math.round(((promoters - detractors) / answers) * 100);
}

function slugTaken(slug: string) {
  return new AppError("conflict", `A survey "${slug}" already exists`, { field: "slug" });
}

function surveyNotFound(slug: string) {
  return new AppError("not_found", `No survey "${slug}"`, { slug });
}
