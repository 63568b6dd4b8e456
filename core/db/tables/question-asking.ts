import { OutboxKind } from "../../outbox/message.ts";
import type { Customer } from "../client.ts";
import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";
import { outboxFrom } from "./outbox-messages.ts";

/** "Customer" as the progressive questions job reads and marks it. */

/**
 * The next `size` customers after `after` (id order) who may be asked a question now: active,
 * onboarded, reachable on Telegram, with questions on, not asked since `askedBefore`, and with
 * no other question (a survey's, a rating) opened since `openBefore`.
 */
export async function selectCustomersToAsk(
  sql: Sql,
  options: { after: string | null; size: number; askedBefore: Date; openBefore: Date },
): Promise<Customer[]> {
  return sql.query<Customer>(
    `SELECT * FROM "Customer"
     WHERE ($1::uuid IS NULL OR "id" > $1::uuid)
       AND "status" = 'ACTIVE' AND "onboardedAt" IS NOT NULL AND "reachable"
       AND "telegramId" IS NOT NULL AND "questionsEnabled"
       AND ("lastQuestionAskedAt" IS NULL OR "lastQuestionAskedAt" < $2)
       AND ("openQuestion" IS NULL OR "openQuestion"->>'askedAt' < $3)
     ORDER BY "id"
     LIMIT $4`,
    [options.after, options.askedBefore, options.openBefore.toISOString(), options.size],
  );
}

/** One customer to ask: the question opened for them and the message that asks it. */
export type QuestionToAsk = {
  customerId: string;
  openQuestion: unknown;
  payload: unknown;
  dedupeKey: string;
};

/**
 * Opens each customer's question, notes when, and queues its message, in one statement for the
 * whole batch — unless someone (another run of the job, a survey) got to a customer first: the
 * conditions of the selection are checked again on each row, and only the customers marked
 * here get a message. Returns how many were asked.
 */
export async function askCustomers(
  sql: Sql,
  options: { asks: readonly QuestionToAsk[]; at: Date; askedBefore: Date; openBefore: Date },
): Promise<number> {
  if (options.asks.length === 0) return 0;
  const rows = await sql.query(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS x("customerId" uuid, "openQuestion" jsonb, "payload" jsonb, "dedupeKey" text)
     ), marked AS (
       UPDATE "Customer" c
       SET "openQuestion" = input."openQuestion", "lastQuestionAskedAt" = $2, "updatedAt" = $2
       FROM input
       WHERE c."id" = input."customerId"
         AND (c."lastQuestionAskedAt" IS NULL OR c."lastQuestionAskedAt" < $3)
         AND (c."openQuestion" IS NULL OR c."openQuestion"->>'askedAt' < $4)
       RETURNING c."id"
     ), asked AS (
       SELECT input.* FROM input JOIN marked ON marked."id" = input."customerId"
     ), queued AS (
       ${outboxFrom("asked", { kind: "$5", service: "false", at: "$2" })}
       RETURNING 1
     )
     SELECT count(*)::int AS "asked" FROM marked`,
    [
      jsonParam(options.asks),
      options.at,
      options.askedBefore,
      options.openBefore.toISOString(),
      OutboxKind.question,
    ],
  );
  return (rows[0] as { asked: number } | undefined)?.asked ?? 0;
}
