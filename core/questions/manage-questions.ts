import { z } from "zod";
import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { Sql } from "../db/sql.ts";
import {
  insertQuestion,
  type QuestionFields,
  questionHasAnswers,
  selectQuestionByKey,
  selectQuestions,
  updateQuestion,
} from "../db/tables/questions.ts";
import { AppError } from "../errors.ts";
import type { QuestionBank } from "./bank-store.ts";
import { isStandardField, standardFields } from "./standard-fields.ts";
import {
  type Question,
  type QuestionDefinition,
  type QuestionDefinitionInput,
  QuestionDefinitionSchema,
} from "./types.ts";

/**
 * The owner's edits of the question bank. A question is never deleted: answers and their
 * history point at it, and an answer arriving after the owner removed it must still find it
 * to be refused politely, so "delete" switches it off. A change of what the customer sees or
 * may answer (text, type, options, range, condition) bumps `version`, so an answer to the
 * older wording is refused too (see open-question.ts).
 */

export type FieldIssue = { field: string; message: string };

/**
 * Keys taken by something else: GET /api/questions/packs is a route, and the profile's edit
 * buttons use "name" and "phone" for the fields onboarding asks itself.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(["packs", "name", "phone"]);

/** A change of these makes an answer to the former version meaningless. */
const versionedFields = ["text", "type", "options", "min", "max", "condition"] as const;

/** A change of the fields given; the key stays, the rest is checked as a whole definition. */
const shape = QuestionDefinitionSchema.shape;
export const QuestionPatchSchema = z
  .strictObject({
    type: shape.type,
    text: shape.text,
    options: shape.options.unwrap(),
    min: shape.min.unwrap(),
    max: shape.max.unwrap(),
    required: shape.required.unwrap(),
    priority: shape.priority.unwrap(),
    condition: shape.condition.unwrap(),
    category: shape.category.unwrap(),
    progressive: shape.progressive.unwrap(),
    active: shape.active.unwrap(),
  })
  .partial()
  .meta({ id: "QuestionPatch" });
export type QuestionPatch = z.infer<typeof QuestionPatchSchema>;

export function invalidInput(message: string, issues: FieldIssue[]): AppError {
  return new AppError("invalid_input", message, { issues });
}

/** A definition parsed by the schema, or a 400 naming each field (under `prefix`). */
export function parseDefinition(input: unknown, prefix = ""): QuestionDefinition {
  const parsed = QuestionDefinitionSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw invalidInput(
    "Invalid question",
    parsed.error.issues.map((issue) => ({
      field: prefix + (issue.path.join(".") || "question"),
      message: issue.message,
    })),
  );
}

/**
 * What the schema cannot know: a standard field's question has that field's type (and the
 * gender its fixed options, the column's enum), and a condition names a question that exists
 * (`knownKeys`: the bank, plus the questions defined alongside in the same survey).
 */
export function definitionIssues(
  definition: QuestionDefinition,
  knownKeys: ReadonlySet<string>,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (RESERVED_KEYS.has(definition.key))
    issues.push({ field: "key", message: `"${definition.key}" is reserved` });
  if (isStandardField(definition.key)) {
    const field = standardFields[definition.key];
    if (definition.type !== field.type) {
      issues.push({
        field: "type",
        message: `the standard field ${definition.key} is a ${field.type} question`,
      });
    } else if (field.fixedOptions) {
      const values = definition.options.map((o) => o.value).sort();
      const fixed = [...field.fixedOptions].sort();
      if (values.join() !== fixed.join())
        issues.push({
          field: "options",
          message: `${definition.key} offers exactly these options: ${fixed.join(", ")}`,
        });
    }
  }
  if (definition.condition && !knownKeys.has(definition.condition.key))
    issues.push({
      field: "condition.key",
      message: `no question "${definition.condition.key}" in the bank`,
    });
  return issues;
}

/** 409 for a key the bank holds with another type: answers are stored by key, typed. */
export function typeConflict(existing: Question, wanted: QuestionDefinition, field = "type") {
  return new AppError(
    "conflict",
    `Question ${existing.key} exists as a ${existing.type} question, not ${wanted.type}`,
    { field, key: existing.key, type: existing.type },
  );
}

export function definitionOf(question: Question): QuestionDefinition {
  const { id: _id, version: _version, pack: _pack, ...definition } = question;
  return definition;
}

/** Checks a definition against the bank and adds it; `pack` tells which pack brought it. */
export async function addQuestion(
  sql: Sql,
  options: {
    actor: Actor;
    definition: QuestionDefinition;
    pack?: string | null;
    knownKeys?: ReadonlySet<string>;
    prefix?: string;
    now: Date;
  },
): Promise<Question> {
  const { definition, now } = options;
  const prefix = options.prefix ?? "";
  const existing = await selectQuestionByKey(sql, definition.key);
  if (existing) {
    if (existing.type !== definition.type)
      throw typeConflict(existing, definition, `${prefix}type`);
    throw new AppError("conflict", `Question ${definition.key} already exists`, {
      field: `${prefix}key`,
      key: definition.key,
    });
  }
  const known =
    options.knownKeys ?? new Set((await selectQuestions(sql)).map((question) => question.key));
  const issues = definitionIssues(definition, known);
  if (issues.length > 0)
    throw invalidInput(
      "Invalid question",
      issues.map((issue) => ({ ...issue, field: prefix + issue.field })),
    );
  const fields: QuestionFields = { ...definition, pack: options.pack ?? null };
  const question = await insertQuestion(sql, fields, now);
  // Taken between the check and the insert by a request at the same time.
  if (!question)
    throw new AppError("conflict", `Question ${definition.key} already exists`, {
      field: `${prefix}key`,
    });
  await recordAudit(sql, {
    actor: options.actor,
    action: AuditAction.questionChanged,
    data: { key: question.key, change: "created", questionId: question.id },
    now,
  });
  return question;
}

/** POST /api/questions: a new question of the bank. */
export async function createQuestion(
  sql: Sql,
  options: { actor: Actor; definition: QuestionDefinitionInput; bank: QuestionBank; now?: Date },
): Promise<Question> {
  requirePermission(options.actor, Permission.manageQuestions);
  const definition = parseDefinition(options.definition);
  const question = await sql.transaction((tx) =>
    addQuestion(tx, { actor: options.actor, definition, now: options.now ?? new Date() }),
  );
  options.bank.invalidate();
  return question;
}

/**
 * Changes the fields given. The type of a question someone answered stays (their answers are
 * typed); a standard field keeps its type anyway.
 */
export async function changeQuestion(
  sql: Sql,
  options: { actor: Actor; key: string; patch: QuestionPatch; bank: QuestionBank; now?: Date },
): Promise<Question> {
  requirePermission(options.actor, Permission.manageQuestions);
  const now = options.now ?? new Date();
  const question = await sql.transaction(async (tx) => {
    const existing = await requireQuestion(tx, options.key);
    const definition = parseDefinition({ ...definitionOf(existing), ...options.patch });
    if (definition.type !== existing.type && (await questionHasAnswers(tx, existing.id)))
      throw new AppError(
        "conflict",
        `Question ${existing.key} has answers as a ${existing.type} question; its type stays`,
        { field: "type", key: existing.key, type: existing.type },
      );
    const known = new Set((await selectQuestions(tx)).map((q) => q.key));
    const issues = definitionIssues(definition, known);
    if (issues.length > 0) throw invalidInput("Invalid question", issues);
    const changed = versionedFields.filter(
      (field) => canonical(existing[field]) !== canonical(definition[field]),
    );
    const updated = await updateQuestion(
      tx,
      existing.id,
      { ...definition, pack: existing.pack },
      { bumpVersion: changed.length > 0, at: now },
    );
    if (!updated) throw new AppError("not_found", `Question ${options.key} not found`);
    await recordAudit(tx, {
      actor: options.actor,
      action: AuditAction.questionChanged,
      data: {
        key: existing.key,
        change: "updated",
        fields: options.patch,
        version: updated.version,
      },
      now,
    });
    return updated;
  });
  options.bank.invalidate();
  return question;
}

/** "Delete": switched off for good, its answers and history kept. */
export async function deactivateQuestion(
  sql: Sql,
  options: { actor: Actor; key: string; bank: QuestionBank; now?: Date },
): Promise<Question> {
  requirePermission(options.actor, Permission.manageQuestions);
  const now = options.now ?? new Date();
  const question = await sql.transaction(async (tx) => {
    const existing = await requireQuestion(tx, options.key);
    const updated = await updateQuestion(
      tx,
      existing.id,
      { ...definitionOf(existing), active: false, pack: existing.pack },
      { bumpVersion: false, at: now },
    );
    if (!updated) throw new AppError("not_found", `Question ${options.key} not found`);
    await recordAudit(tx, {
      actor: options.actor,
      action: AuditAction.questionChanged,
      data: { key: existing.key, change: "deactivated" },
      now,
    });
    return updated;
  });
  options.bank.invalidate();
  return question;
}

export async function getQuestion(sql: Sql, options: { actor: Actor; key: string }) {
  requirePermission(options.actor, Permission.manageQuestions);
  return requireQuestion(sql, options.key);
}

export async function listQuestions(sql: Sql, options: { actor: Actor; active?: boolean }) {
  requirePermission(options.actor, Permission.manageQuestions);
  const questions = await selectQuestions(sql);
  return options.active === undefined
    ? questions
    : questions.filter((q) => q.active === options.active);
}

/** JSON with object keys sorted: jsonb gives them back in its own order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

async function requireQuestion(sql: Sql, key: string): Promise<Question> {
  const question = await selectQuestionByKey(sql, key);
  if (!question) throw new AppError("not_found", `No question with key "${key}" in the bank`);
  return question;
}
