import type { OutboxStatus } from "../client.ts";
import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";

/** "OutboxMessage": messages the bot sends on its own initiative (see schema.prisma). */

export type NewOutboxMessage = {
  kind: string;
  customerId: string;
  payload: unknown;
  service: boolean;
  dedupeKey: string;
  campaignId?: string | null;
  notBefore: Date;
};

/** Queues a message; a key used before is ignored. Returns whether this call queued it. */
export async function insertOutboxMessage(sql: Sql, message: NewOutboxMessage): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO "OutboxMessage"
       ("kind", "customerId", "payload", "service", "dedupeKey", "campaignId", "notBefore", "createdAt")
     VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $7)
     ON CONFLICT ("dedupeKey") DO NOTHING
     RETURNING 1`,
    [
      message.kind,
      message.customerId,
      jsonParam(message.payload),
      message.service,
      message.dedupeKey,
      message.campaignId ?? null,
      message.notBefore,
    ],
  );
  return rows.length > 0;
}

/**
 * The INSERT that queues one message for every row of `source` (a CTE with the columns
 * "customerId", "payload" (jsonb) and "dedupeKey"), so that a change and the message it causes
 * are one statement.
 */
export function outboxFrom(
  source: string,
  params: { kind: string; service: string; at: string },
): string {
  return `INSERT INTO "OutboxMessage"
      ("kind", "customerId", "payload", "service", "dedupeKey", "notBefore", "createdAt")
    SELECT ${params.kind}, "customerId", "payload", ${params.service}, "dedupeKey",
           ${params.at}::timestamp, ${params.at}::timestamp
    FROM ${source}
    ON CONFLICT ("dedupeKey") DO NOTHING`;
}

/** A claimed message with what sending it needs to know about its customer. */
export type ClaimedMessage = {
  id: bigint;
  kind: string;
  payload: unknown;
  service: boolean;
  attempts: number;
  customerId: string;
  telegramId: bigint | null;
  reachable: boolean;
  language: string | null;
  telegramLanguage: string | null;
};

/**
 * Claims up to `limit` messages that are due, service messages and then the oldest first, for
 * `leaseMs`: FOR UPDATE SKIP LOCKED, so two dispatchers never take the same row, and a row whose
 * claim ran out (its dispatcher died) is due again. Offers and reminders wait during quiet hours
 * and while their customer has had `cap` of them in the last `capWindowMs`, counting those sent,
 * those being sent, and those ahead of them in this batch. (Two dispatchers claiming at the same
 * instant for the same customer could each send one; the cap is a courtesy, not a ledger.)
 */
export async function claimDueMessages(
  sql: Sql,
  options: {
    now: Date;
    limit: number;
    leaseMs: number;
    quietHours: boolean;
    cap: number;
    capWindowMs: number;
  },
): Promise<ClaimedMessage[]> {
  return sql.query<ClaimedMessage>(
    `WITH candidates AS (
       SELECT o."id", o."customerId", o."service",
              ROW_NUMBER() OVER (PARTITION BY o."customerId", o."service" ORDER BY o."id") AS "rank"
       FROM (
         SELECT "id", "customerId", "service" FROM "OutboxMessage"
         WHERE (("status" = 'PENDING' AND "notBefore" <= $1)
                OR ("status" = 'SENDING' AND "claimedUntil" < $1))
           AND ("service" OR NOT $4::boolean)
         ORDER BY "service" DESC, "id"
         LIMIT $2 * 4
       ) o
     ), allowed AS (
       SELECT c."id" FROM candidates c
       WHERE c."service" OR c."rank" + (
         SELECT count(*) FROM "OutboxMessage" s
         WHERE s."customerId" = c."customerId" AND NOT s."service"
           AND ((s."status" = 'SENT' AND s."sentAt" > $6::timestamp) OR s."status" = 'SENDING')
       ) <= $5
     ), due AS (
       SELECT o."id" FROM "OutboxMessage" o JOIN allowed ON allowed."id" = o."id"
       WHERE (o."status" = 'PENDING' AND o."notBefore" <= $1)
          OR (o."status" = 'SENDING' AND o."claimedUntil" < $1)
       ORDER BY o."service" DESC, o."id"
       LIMIT $2
       FOR UPDATE OF o SKIP LOCKED
     ), claimed AS (
       UPDATE "OutboxMessage" m
       SET "status" = 'SENDING', "claimedUntil" = $3::timestamp, "attempts" = m."attempts" + 1
       FROM due WHERE m."id" = due."id"
       RETURNING m."id", m."kind", m."payload", m."service", m."attempts", m."customerId"
     )
     SELECT claimed.*, c."telegramId", c."reachable", c."language", c."telegramLanguage"
     FROM claimed JOIN "Customer" c ON c."id" = claimed."customerId"
     ORDER BY claimed."service" DESC, claimed."id"`,
    [
      options.now,
      options.limit,
      new Date(options.now.getTime() + options.leaseMs),
      options.quietHours,
      options.cap,
      new Date(options.now.getTime() - options.capWindowMs),
    ],
  );
}

/** The end of a claimed message: sent, or given up on. */
export async function finishOutboxMessage(
  sql: Sql,
  id: bigint,
  outcome: {
    status: Extract<OutboxStatus, "SENT" | "FAILED" | "BLOCKED" | "SKIPPED">;
    at: Date;
    telegramMessageId?: number;
    error?: string;
  },
): Promise<void> {
  await sql.query(
    `UPDATE "OutboxMessage"
     SET "status" = $2::"OutboxStatus", "claimedUntil" = NULL, "telegramMessageId" = $3,
         "sentAt" = CASE WHEN $2 = 'SENT' THEN $4::timestamp ELSE NULL END, "lastError" = $5
     WHERE "id" = $1`,
    [id, outcome.status, outcome.telegramMessageId ?? null, outcome.at, outcome.error ?? null],
  );
}

/**
 * Puts claimed messages back to wait until `notBefore` (a retry after an error, a 429 pause,
 * a dispatcher stopping). `refund` gives the claim's attempt back: it was never tried.
 */
export async function releaseOutboxMessages(
  sql: Sql,
  ids: readonly bigint[],
  options: { notBefore: Date; error?: string; refund?: boolean },
): Promise<void> {
  if (ids.length === 0) return;
  await sql.query(
    `UPDATE "OutboxMessage"
     SET "status" = 'PENDING', "claimedUntil" = NULL, "notBefore" = $2,
         "lastError" = COALESCE($3, "lastError"),
         "attempts" = "attempts" - CASE WHEN $4 THEN 1 ELSE 0 END
     WHERE "id" = ANY($1::bigint[]) AND "status" = 'SENDING'`,
    [ids, options.notBefore, options.error ?? null, options.refund ?? false],
  );
}
