import type { Question } from "../../questions/types.ts";
import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";

/** "Question": the question bank. */

type QuestionRow = Omit<Question, "type"> & { type: string };

export function questionFromRow(row: QuestionRow): Question {
  return {
    id: row.id,
    key: row.key,
    type: row.type.toLowerCase() as Question["type"],
    text: row.text,
    options: row.options ?? [],
    min: row.min ?? null,
    max: row.max ?? null,
    required: row.required,
    priority: row.priority,
    condition: row.condition ?? null,
    category: row.category ?? null,
    progressive: row.progressive,
    active: row.active,
    version: row.version,
    pack: row.pack ?? null,
  };
}

const columns = `"id", "key", "type"::text AS "type", "text", "options", "min", "max", "required",
  "priority", "condition", "category", "progressive", "active", "version", "pack"`;

/** The select list of a bank question, for statements that join the bank (survey-runs.ts). */
export const questionColumns = columns;

/** Every question, active or not, the most valuable first. */
export async function selectQuestions(sql: Sql): Promise<Question[]> {
  const rows = await sql.query<QuestionRow>(
    `SELECT ${columns} FROM "Question" ORDER BY "priority" DESC, "key"`,
  );
  return rows.map(questionFromRow);
}

export async function selectQuestionById(sql: Sql, id: string): Promise<Question | null> {
  const [row] = await sql.query<QuestionRow>(`SELECT ${columns} FROM "Question" WHERE "id" = $1`, [
    id,
  ]);
  return row ? questionFromRow(row) : null;
}

export async function selectQuestionByKey(sql: Sql, key: string): Promise<Question | null> {
  const [row] = await sql.query<QuestionRow>(`SELECT ${columns} FROM "Question" WHERE "key" = $1`, [
    key,
  ]);
  return row ? questionFromRow(row) : null;
}

/** What a bank row holds besides its identity and version. */
export type QuestionFields = Omit<Question, "id" | "version">;

function fieldParams(fields: QuestionFields): unknown[] {
  return [
    fields.key,
    fields.type.toUpperCase(),
    jsonParam(fields.text),
    jsonParam(fields.options),
    fields.min,
    fields.max,
    fields.required,
    fields.priority,
    fields.condition === null ? null : jsonParam(fields.condition),
    fields.category,
    fields.progressive,
    fields.pack,
    fields.active,
  ];
}

/**
 * Adds a question unless its key is taken (then null): a pack applied twice, or two requests
 * at once, never overwrite what is there.
 */
export async function insertQuestion(
  sql: Sql,
  fields: QuestionFields,
  at: Date,
): Promise<Question | null> {
  const [row] = await sql.query<QuestionRow>(
    `INSERT INTO "Question" ("id", "key", "type", "text", "options", "min", "max", "required",
       "priority", "condition", "category", "progressive", "pack", "active", "createdAt",
       "updatedAt")
     VALUES (gen_random_uuid(), $1, $2::"QuestionType", $3::jsonb, $4::jsonb, $5, $6, $7, $8,
       $9::jsonb, $10, $11, $12, $13, $14, $14)
     ON CONFLICT ("key") DO NOTHING
     RETURNING ${columns}`,
    [...fieldParams(fields), at],
  );
  return row ? questionFromRow(row) : null;
}

/** Replaces a question's fields (not its key), with `bumpVersion` when its meaning changed. */
export async function updateQuestion(
  sql: Sql,
  id: string,
  fields: QuestionFields,
  options: { bumpVersion: boolean; at: Date },
): Promise<Question | null> {
  const [row] = await sql.query<QuestionRow>(
    `UPDATE "Question" SET "key" = $1, "type" = $2::"QuestionType", "text" = $3::jsonb,
       "options" = $4::jsonb, "min" = $5, "max" = $6, "required" = $7, "priority" = $8,
       "condition" = $9::jsonb, "category" = $10, "progressive" = $11, "pack" = $12,
       "active" = $13, "updatedAt" = $14,
       "version" = "version" + CASE WHEN $15::boolean THEN 1 ELSE 0 END
     WHERE "id" = $16
     RETURNING ${columns}`,
    [...fieldParams(fields), options.at, options.bumpVersion, id],
  );
  return row ? questionFromRow(row) : null;
}

/** Whether anyone ever answered the question (its type may then no longer change). */
export async function questionHasAnswers(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql.query(`SELECT 1 FROM "SurveyAnswer" WHERE "questionId" = $1 LIMIT 1`, [
    id,
  ]);
  return rows.length > 0;
}
