import { EventType } from "../../events.ts";
import type { Question } from "../../questions/types.ts";
import type { Sql } from "../sql.ts";
import { questionColumns, questionFromRow } from "./questions.ts";

/**
 * "SurveyRun": a customer's way through a survey, and the few reads of "Survey" and
 * "SurveyQuestion" that taking one needs (the owner's side of surveys lives in surveys.ts).
 *
 * Progress is not stored as a position: a question is done in a run when it was answered with
 * this survey since the run started (a "SurveyAnswer" row) or skipped in it (a
 * "question.skipped" event carrying the survey's id), so a survey resumes exactly where it
 * stopped, after days or a restart, and a question the owner adds meanwhile is still asked.
 */

export type SurveyRef = {
  id: string;
  slug: string;
  title: { ru: string; en?: string };
  eventType: string | null;
  active: boolean;
};

export type SurveyRun = { startedAt: Date; finishedAt: Date | null };

export async function selectSurveyBySlug(sql: Sql, slug: string): Promise<SurveyRef | null> {
  const [row] = await sql.query<SurveyRef>(
    `SELECT "id", "slug", "title", "eventType", "active" FROM "Survey" WHERE "slug" = $1`,
    [slug],
  );
  return row ?? null;
}

export async function selectSurveyById(sql: Sql, id: string): Promise<SurveyRef | null> {
  const [row] = await sql.query<SurveyRef>(
    `SELECT "id", "slug", "title", "eventType", "active" FROM "Survey" WHERE "id" = $1`,
    [id],
  );
  return row ?? null;
}

/**
 * The run of the customer in the survey, started now (with a "survey.started" event) unless
 * there is one already, in one statement.
 */
export async function upsertSurveyRun(
  sql: Sql,
  options: { survey: Pick<SurveyRef, "id" | "slug">; customerId: string; at: Date },
): Promise<SurveyRun & { created: boolean }> {
  const [row] = await sql.query<SurveyRun & { created: boolean }>(
    `WITH created AS (
       INSERT INTO "SurveyRun" ("surveyId", "customerId", "startedAt")
       VALUES ($1::uuid, $2::uuid, $3::timestamp)
       ON CONFLICT DO NOTHING
       RETURNING "startedAt", "finishedAt"
     ), event AS (
       INSERT INTO "CustomerEvent" ("customerId", "type", "data", "createdAt")
       SELECT $2::uuid, $4, jsonb_build_object('surveyId', $1::text, 'slug', $5::text), $3::timestamp
       FROM created
     )
     SELECT "startedAt", "finishedAt", true AS "created" FROM created
     UNION ALL
     SELECT "startedAt", "finishedAt", false FROM "SurveyRun"
     WHERE "surveyId" = $1::uuid AND "customerId" = $2::uuid`,
    [
      options.survey.id,
      options.customerId,
      options.at,
      EventType.surveyStarted,
      options.survey.slug,
    ],
  );
  if (!row) throw new Error("The survey run was neither found nor created");
  return row;
}

/** The survey's questions in their order, active or not (the caller decides what is asked). */
export async function selectSurveyQuestions(sql: Sql, surveyId: string): Promise<Question[]> {
  const rows = await sql.query<Parameters<typeof questionFromRow>[0]>(
    `SELECT ${questionColumns}
     FROM "SurveyQuestion" sq JOIN "Question" ON "Question"."id" = sq."questionId"
     WHERE sq."surveyId" = $1
     ORDER BY sq."position", "Question"."key"`,
    [surveyId],
  );
  return rows.map(questionFromRow);
}

/** The run and the ids of the questions answered or skipped in it; null when never started. */
export async function selectSurveyProgress(
  sql: Sql,
  options: { surveyId: string; customerId: string },
): Promise<(SurveyRun & { done: string[] }) | null> {
  const [row] = await sql.query<SurveyRun & { answered: string[]; skipped: string[] }>(
    `SELECT r."startedAt", r."finishedAt",
       COALESCE((SELECT json_agg(DISTINCT a."questionId"::text) FROM "SurveyAnswer" a
                 WHERE a."surveyId" = r."surveyId" AND a."customerId" = r."customerId"
                   AND a."createdAt" >= r."startedAt"), '[]'::json) AS "answered",
       COALESCE((SELECT json_agg(DISTINCT e."data"->>'questionId') FROM "CustomerEvent" e
                 WHERE e."customerId" = r."customerId" AND e."type" = $3
                   AND e."data"->>'surveyId' = r."surveyId"::text
                   AND e."createdAt" >= r."startedAt"), '[]'::json) AS "skipped"
     FROM "SurveyRun" r WHERE r."surveyId" = $1 AND r."customerId" = $2`,
    [options.surveyId, options.customerId, EventType.questionSkipped],
  );
  if (!row) return null;
  return {
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    done: [...row.answered, ...row.skipped],
  };
}

/**
 * Marks the run finished with a "survey.finished" event, in one statement. False when it was
 * finished already (or never started): whoever gets true is the one who finished it.
 */
export async function finishSurveyRun(
  sql: Sql,
  options: { survey: Pick<SurveyRef, "id" | "slug">; customerId: string; at: Date },
): Promise<boolean> {
  const rows = await sql.query(
    `WITH finished AS (
       UPDATE "SurveyRun" SET "finishedAt" = $3
       WHERE "surveyId" = $1 AND "customerId" = $2 AND "finishedAt" IS NULL
       RETURNING "customerId"
     ), event AS (
       INSERT INTO "CustomerEvent" ("customerId", "type", "data", "createdAt")
       SELECT "customerId", $4, jsonb_build_object('surveyId', $1::text, 'slug', $5::text), $3
       FROM finished
     )
     SELECT 1 FROM finished`,
    [
      options.survey.id,
      options.customerId,
      options.at,
      EventType.surveyFinished,
      options.survey.slug,
    ],
  );
  return rows.length > 0;
}

/**
 * The surveys a customer can take ("Questions for you"): active, with at least one active
 * question, not finished by them; the ones they started first, then the newest.
 */
export async function selectAvailableSurveys(
  sql: Sql,
  customerId: string,
): Promise<Array<Pick<SurveyRef, "id" | "slug" | "title">>> {
  return sql.query(
    `SELECT s."id", s."slug", s."title"
     FROM "Survey" s
     LEFT JOIN "SurveyRun" r ON r."surveyId" = s."id" AND r."customerId" = $1
     WHERE s."active" AND r."finishedAt" IS NULL
       AND EXISTS (SELECT 1 FROM "SurveyQuestion" sq JOIN "Question" q ON q."id" = sq."questionId"
                   WHERE sq."surveyId" = s."id" AND q."active")
     ORDER BY (r."startedAt" IS NULL), s."createdAt" DESC
     LIMIT 10`,
    [customerId],
  );
}
