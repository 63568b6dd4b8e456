import type { EventType } from "../../events.ts";
import type { Customer } from "../client.ts";
import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";
import { eventFrom } from "./customer-events.ts";
import { type CustomerPatch, patchAssignments } from "./customers.ts";

/** "SurveyAnswer": every answer ever given, appended; the profile holds the latest. */

export type NewAnswer = {
  customerId: string;
  questionId: string;
  value: unknown;
  source: string;
  surveyId: string | null;
  purchaseId: string | null;
};

/**
 * Appends an answer and puts it on the profile in one statement: `patch` for standard fields,
 * `attribute` merged into Customer.attributes for custom ones (a merge, so two answers at once
 * to different keys both stay), plus the timeline event. Returns the customer as saved, or null
 * when there is no such customer.
 */
export async function insertAnswer(
  sql: Sql,
  answer: NewAnswer,
  options: {
    patch: CustomerPatch;
    attribute: { key: string; value: unknown } | null;
    /** Set only where the column is still null (a time zone from the city: the owner's wins). */
    whereNull?: { timeZone?: string };
    at: Date;
    event: { type: EventType; data: Record<string, unknown> };
  },
): Promise<Customer | null> {
  const params: unknown[] = [
    answer.customerId,
    options.at,
    answer.questionId,
    jsonParam(answer.value),
    answer.source,
    answer.surveyId,
    answer.purchaseId,
    options.event.type,
    jsonParam(options.event.data),
  ];
  const assignments = ['"updatedAt" = $2', ...patchAssignments(options.patch, params)];
  if (options.whereNull?.timeZone) {
    params.push(options.whereNull.timeZone);
    assignments.push(`"timeZone" = COALESCE("timeZone", $${params.length})`);
  }
  if (options.attribute) {
    params.push(options.attribute.key, jsonParam(options.attribute.value));
    const n = params.length;
    assignments.push(
      `"attributes" = "attributes" || jsonb_build_object($${n - 1}::text, $${n}::jsonb)`,
    );
  }
  const [row] = await sql.query<Customer>(
    `WITH changed AS (
       UPDATE "Customer" SET ${assignments.join(", ")} WHERE "id" = $1 RETURNING *
     ), answer AS (
       INSERT INTO "SurveyAnswer"
         ("id", "questionId", "customerId", "value", "source", "surveyId", "purchaseId", "createdAt")
       SELECT gen_random_uuid(), $3::uuid, "id", $4::jsonb, $5, $6::uuid, $7::uuid, $2::timestamp
       FROM changed
     ), event AS (${eventFrom("changed", { type: "$8", data: "$9", at: "$2" })})
     SELECT * FROM changed`,
    params,
  );
  return row ?? null;
}

export type LatestAnswer = {
  key: string;
  value: unknown;
  source: string;
  surveyId: string | null;
  answeredAt: Date;
};

/** The customer's latest answer to each question of the bank, the newest first. */
export async function selectLatestAnswers(sql: Sql, customerId: string): Promise<LatestAnswer[]> {
  return sql.query<LatestAnswer>(
    `SELECT * FROM (
       SELECT DISTINCT ON (a."questionId") q."key", a."value", a."source", a."surveyId",
              a."createdAt" AS "answeredAt"
       FROM "SurveyAnswer" a JOIN "Question" q ON q."id" = a."questionId"
       WHERE a."customerId" = $1
       ORDER BY a."questionId", a."createdAt" DESC, a."id" DESC
     ) latest
     ORDER BY "answeredAt" DESC, "key"`,
    [customerId],
  );
}
