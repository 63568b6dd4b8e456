import type { Question } from "../../questions/types.ts";
import type { Sql } from "../sql.ts";

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
