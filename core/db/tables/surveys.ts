import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";

/**
 * "Survey" and "SurveyQuestion" as the owner manages them, and the survey's results (taking
 * a survey reads them through survey-runs.ts).
 */

export type SurveyRow = {
  id: string;
  slug: string;
  title: { ru: string; en?: string };
  eventType: string | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** The keys of its questions, in order. */
  questions: string[];
};

export type SurveyFields = Pick<SurveyRow, "slug" | "title" | "eventType" | "active">;

const select = `SELECT s."id", s."slug", s."title", s."eventType", s."active", s."createdAt",
    s."updatedAt",
    COALESCE((SELECT json_agg(q."key" ORDER BY sq."position", q."key")
              FROM "SurveyQuestion" sq JOIN "Question" q ON q."id" = sq."questionId"
              WHERE sq."surveyId" = s."id"), '[]'::json) AS "questions"
  FROM "Survey" s`;

export function selectSurveys(sql: Sql): Promise<SurveyRow[]> {
  return sql.query<SurveyRow>(`${select} ORDER BY s."createdAt" DESC, s."slug"`);
}

export async function selectSurvey(sql: Sql, slug: string): Promise<SurveyRow | null> {
  const [row] = await sql.query<SurveyRow>(`${select} WHERE s."slug" = $1`, [slug]);
  return row ?? null;
}

/** The survey locked for a change (two owners editing it at once); null when there is none. */
export async function lockSurvey(sql: Sql, slug: string): Promise<{ id: string } | null> {
  const [row] = await sql.query<{ id: string }>(
    `SELECT "id" FROM "Survey" WHERE "slug" = $1 FOR UPDATE`,
    [slug],
  );
  return row ?? null;
}

/** A new survey; null when the slug is taken. */
export async function insertSurvey(
  sql: Sql,
  fields: SurveyFields,
  at: Date,
): Promise<{ id: string } | null> {
  const [row] = await sql.query<{ id: string }>(
    `INSERT INTO "Survey" ("id", "slug", "title", "eventType", "active", "createdAt", "updatedAt")
     VALUES (gen_random_uuid(), $1, $2::jsonb, $3, $4, $5, $5)
     ON CONFLICT ("slug") DO NOTHING
     RETURNING "id"`,
    [fields.slug, jsonParam(fields.title), fields.eventType, fields.active, at],
  );
  return row ?? null;
}

export async function updateSurvey(
  sql: Sql,
  id: string,
  fields: Omit<SurveyFields, "slug">,
  at: Date,
): Promise<void> {
  await sql.query(
    `UPDATE "Survey" SET "title" = $2::jsonb, "eventType" = $3, "active" = $4, "updatedAt" = $5
     WHERE "id" = $1`,
    [id, jsonParam(fields.title), fields.eventType, fields.active, at],
  );
}

/** The survey's questions, replaced by these in this order. */
export async function replaceSurveyQuestions(
  sql: Sql,
  surveyId: string,
  questionIds: readonly string[],
): Promise<void> {
  await sql.query(`DELETE FROM "SurveyQuestion" WHERE "surveyId" = $1`, [surveyId]);
  if (questionIds.length === 0) return;
  await sql.query(
    `INSERT INTO "SurveyQuestion" ("surveyId", "questionId", "position")
     SELECT $1::uuid, id::uuid, position::int - 1
     FROM unnest($2::text[]) WITH ORDINALITY AS t(id, position)`,
    [surveyId, questionIds],
  );
}

/**
 * Deletes the survey with its questions' places and runs (cascade); its answers stay in the
 * answer log with "surveyId" null (the foreign key sets it).
 */
export async function deleteSurvey(sql: Sql, id: string): Promise<void> {
  await sql.query(`DELETE FROM "Survey" WHERE "id" = $1`, [id]);
}

export type SurveyQuestionStats = {
  questionId: string;
  answers: number;
  /** Over the numeric answers (number, rating, nps); null when there is none. */
  average: number | null;
  /** Per answer value as text (each value of a multiple choice counted once). */
  counts: Array<{ value: string; count: number }>;
};

/**
 * Per question of the survey, over the latest answer of each customer given within this
 * survey: how many, the average of numeric ones and how often each value was chosen (only for
 * answers with a fixed set of values: choices, yes/no and scales).
 */
export async function selectSurveyAnswerStats(
  sql: Sql,
  surveyId: string,
): Promise<SurveyQuestionStats[]> {
  const latest = `latest AS (
    SELECT DISTINCT ON (a."questionId", a."customerId") a."questionId", a."value"
    FROM "SurveyAnswer" a
    WHERE a."surveyId" = $1
    ORDER BY a."questionId", a."customerId", a."createdAt" DESC, a."id" DESC
  )`;
  const totals = await sql.query<{ questionId: string; answers: number; average: number | null }>(
    `WITH ${latest}
     SELECT "questionId", count(*)::int AS "answers",
       avg(CASE WHEN jsonb_typeof("value") = 'number' THEN ("value" #>> '{}')::float8 END)::float8
         AS "average"
     FROM latest GROUP BY "questionId"`,
    [surveyId],
  );
  const counts = await sql.query<{ questionId: string; value: string; count: number }>(
    `WITH ${latest}
     SELECT l."questionId", v.value, count(*)::int AS "count"
     FROM latest l
     JOIN "Question" q ON q."id" = l."questionId"
       AND q."type" IN ('SINGLE_CHOICE', 'MULTIPLE_CHOICE', 'YES_NO', 'RATING', 'NPS')
     CROSS JOIN LATERAL jsonb_array_elements_text(
       CASE WHEN jsonb_typeof(l."value") = 'array' THEN l."value"
            ELSE jsonb_build_array(l."value") END) AS v(value)
     GROUP BY l."questionId", v.value`,
    [surveyId],
  );
  return totals.map((total) => ({
    ...total,
    counts: counts
      .filter((c) => c.questionId === total.questionId)
      .map(({ value, count }) => ({ value, count })),
  }));
}

export async function selectSurveyRunCounts(
  sql: Sql,
  surveyId: string,
): Promise<{ started: number; finished: number }> {
  const [row] = await sql.query<{ started: number; finished: number }>(
    `SELECT count(*)::int AS "started", count("finishedAt")::int AS "finished"
     FROM "SurveyRun" WHERE "surveyId" = $1`,
    [surveyId],
  );
  return row ?? { started: 0, finished: 0 };
}
