import type { Customer, Feedback } from "../client.ts";
import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";

/** "Feedback" (ratings after purchases) and the purchases and customers they concern. */

export type FeedbackCandidate = {
  purchaseId: string;
  customerId: string;
  createdAt: Date;
  /** When this customer was last asked about any purchase; null = never. */
  lastRequestedAt: Date | null;
};

/**
 * Per customer (id order, after `after`), their latest purchase that is due for a rating:
 * made between `oldest` and `dueBefore`, not asked about, not fully refunded; the customer
 * active, reachable on Telegram, with questions on and no question opened since `openBefore`.
 */
export async function selectFeedbackCandidates(
  sql: Sql,
  options: { after: string | null; size: number; dueBefore: Date; oldest: Date; openBefore: Date },
): Promise<FeedbackCandidate[]> {
  return sql.query<FeedbackCandidate>(
    `SELECT DISTINCT ON (p."customerId")
            p."id" AS "purchaseId", p."customerId", p."createdAt",
            (SELECT max(q."feedbackRequestedAt") FROM "Purchase" q
             WHERE q."customerId" = p."customerId") AS "lastRequestedAt"
     FROM "Purchase" p JOIN "Customer" c ON c."id" = p."customerId"
     WHERE ($1::uuid IS NULL OR p."customerId" > $1::uuid)
       AND p."createdAt" <= $2 AND p."createdAt" > $3
       AND p."feedbackRequestedAt" IS NULL AND p."refundedMinor" < p."amountMinor"
       AND c."status" = 'ACTIVE' AND c."reachable" AND c."telegramId" IS NOT NULL
       AND c."questionsEnabled"
       AND (c."openQuestion" IS NULL OR c."openQuestion"->>'askedAt' < $4)
     ORDER BY p."customerId", p."createdAt" DESC, p."id" DESC
     LIMIT $5`,
    [
      options.after,
      options.dueBefore,
      options.oldest,
      options.openBefore.toISOString(),
      options.size,
    ],
  );
}

/** Marks the purchase as asked about, unless it was already; returns whether this call did. */
export async function claimFeedbackRequest(
  sql: Sql,
  options: { purchaseId: string; at: Date },
): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE "Purchase" SET "feedbackRequestedAt" = $2
     WHERE "id" = $1 AND "feedbackRequestedAt" IS NULL RETURNING "id"`,
    [options.purchaseId, options.at],
  );
  return rows.length > 0;
}

/**
 * Opens `openQuestion` for the customer unless a question was opened since `openBefore` (or,
 * with `replacing`, unless the open question is no longer the one with that token). Returns
 * the customer as saved, or null when it was not opened.
 */
export async function openQuestionIf(
  sql: Sql,
  options: {
    customerId: string;
    openQuestion: unknown;
    at: Date;
    condition: { openBefore: Date } | { token: string };
    event?: { type: string; data: Record<string, unknown> };
  },
): Promise<Customer | null> {
  const params: unknown[] = [
    options.customerId,
    options.openQuestion === null ? null : jsonParam(options.openQuestion),
    options.at,
  ];
  let condition: string;
  if ("token" in options.condition) {
    params.push(options.condition.token);
    condition = `"openQuestion"->>'token' = $4`;
  } else {
    params.push(options.condition.openBefore.toISOString());
    condition = `("openQuestion" IS NULL OR "openQuestion"->>'askedAt' < $4)`;
  }
  let event = "";
  if (options.event) {
    params.push(options.event.type, jsonParam(options.event.data));
    event = `, event AS (
       INSERT INTO "CustomerEvent" ("customerId", "type", "data", "createdAt")
       SELECT "id", $5, $6::jsonb, $3::timestamp FROM changed
     )`;
  }
  const [row] = await sql.query<Customer>(
    `WITH changed AS (
       UPDATE "Customer" SET "openQuestion" = $2::jsonb, "updatedAt" = $3
       WHERE "id" = $1 AND ${condition}
       RETURNING *
     )${event}
     SELECT * FROM changed`,
    params,
  );
  return row ?? null;
}

/** A rating; null when this purchase was rated already (a double tap). */
export async function insertFeedback(
  sql: Sql,
  feedback: Pick<Feedback, "id" | "customerId" | "purchaseId" | "scale" | "score" | "status"> & {
    at: Date;
  },
): Promise<Feedback | null> {
  const [row] = await sql.query<Feedback>(
    `INSERT INTO "Feedback" ("id", "customerId", "purchaseId", "scale", "score", "status", "createdAt")
     VALUES ($1, $2, $3, $4, $5, $6::"FeedbackStatus", $7)
     ON CONFLICT ("purchaseId") DO NOTHING
     RETURNING *`,
    [
      feedback.id,
      feedback.customerId,
      feedback.purchaseId,
      feedback.scale,
      feedback.score,
      feedback.status,
      feedback.at,
    ],
  );
  return row ?? null;
}

export async function updateFeedbackComment(
  sql: Sql,
  options: { feedbackId: string; customerId: string; comment: string | null },
): Promise<void> {
  await sql.query(`UPDATE "Feedback" SET "comment" = $3 WHERE "id" = $1 AND "customerId" = $2`, [
    options.feedbackId,
    options.customerId,
    options.comment,
  ]);
}

/** What staff are told about a low score: who, their contacts, the purchase, the words. */
export type FeedbackDetail = {
  id: string;
  customerId: string;
  score: number;
  scale: string;
  comment: string | null;
  status: "OPEN" | "CLOSED" | null;
  answeredByName: string | null;
  name: string | null;
  firstName: string | null;
  phone: string | null;
  cardNumber: string | null;
  purchaseAt: Date | null;
  amountMinor: bigint | null;
  currency: string | null;
};

export async function selectFeedbackDetail(
  sql: Sql,
  feedbackId: string,
): Promise<FeedbackDetail | null> {
  const [row] = await sql.query<FeedbackDetail>(
    `SELECT f."id", f."customerId", f."score", f."scale", f."comment", f."status",
            s."name" AS "answeredByName",
            c."name", c."telegramFirstName" AS "firstName", c."phone",
            k."number" AS "cardNumber",
            p."createdAt" AS "purchaseAt", p."amountMinor", p."currency"
     FROM "Feedback" f
     JOIN "Customer" c ON c."id" = f."customerId"
     LEFT JOIN "LoyaltyCard" k ON k."customerId" = c."id"
     LEFT JOIN "Purchase" p ON p."id" = f."purchaseId"
     LEFT JOIN "StaffMember" s ON s."id" = f."answeredById"
     WHERE f."id" = $1`,
    [feedbackId],
  );
  return row ?? null;
}

/**
 * The staff who receive feedback, each with the customer record their Telegram account has
 * (the outbox writes to customers; null = they never pressed Start as a customer).
 */
export async function selectFeedbackRecipients(
  sql: Sql,
): Promise<Array<{ staffId: string; customerId: string | null }>> {
  return sql.query(
    `SELECT s."id" AS "staffId", c."id" AS "customerId"
     FROM "StaffMember" s LEFT JOIN "Customer" c ON c."telegramId" = s."telegramId"
     WHERE s."active" AND s."receivesFeedback" AND s."telegramId" IS NOT NULL
     ORDER BY s."createdAt", s."id"`,
  );
}

/** Closes an open item with the staff member's answer; null when it was not open any more. */
export async function closeFeedback(
  sql: Sql,
  options: { feedbackId: string; answer: string; staffId: string | null; at: Date },
): Promise<Feedback | null> {
  const [row] = await sql.query<Feedback>(
    `UPDATE "Feedback"
     SET "answer" = $2, "answeredById" = $3::uuid, "status" = 'CLOSED', "closedAt" = $4
     WHERE "id" = $1 AND "status" = 'OPEN'
     RETURNING *`,
    [options.feedbackId, options.answer, options.staffId, options.at],
  );
  return row ?? null;
}

export async function setReceivesFeedback(
  sql: Sql,
  options: { staffId: string; receives: boolean; at: Date },
): Promise<void> {
  await sql.query(
    `UPDATE "StaffMember" SET "receivesFeedback" = $2, "updatedAt" = $3 WHERE "id" = $1`,
    [options.staffId, options.receives, options.at],
  );
}
