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
  marketing: boolean;
  campaignId: string | null;
  variant: string | null;
  attempts: number;
  /** Its claim had lapsed before (a dispatcher died holding it): it may have gone already. */
  reclaimed: boolean;
  customerId: string;
  telegramId: bigint | null;
  reachable: boolean;
  language: string | null;
  telegramLanguage: string | null;
  customerStatus: string;
  marketingConsent: boolean;
  /** Another marketing message reached them within the frequency cap. */
  capped: boolean;
  // What placeholders are filled from (core/campaigns/message.ts, RecipientFields).
  name: string | null;
  telegramFirstName: string | null;
  balance: number | null;
  cardNumber: string | null;
  tier: string;
  city: string | null;
  attributes: Record<string, unknown> | null;
};

/** Within this, one chat gets at most one message (Telegram's per-chat flood limit). */
const CHAT_SPACING_MS = 1000;

/**
 * Claims up to `limit` messages that are due, service messages and then the oldest first, for
 * `leaseMs`: FOR UPDATE SKIP LOCKED, so two dispatchers never take the same row, and a row whose
 * claim ran out (its dispatcher died) is due again, counted in `reclaims`.
 *
 * - A campaign's deliveries only while the campaign is SENDING; its test sends, message changes
 *   and automations' rows whatever its state.
 * - At most one row per customer per batch; a marketing message (a campaign's) also not to a
 *   customer sent to within the last second or with a message in flight (Telegram allows
 *   about one message a second per chat). Receipts and reminders are never held up by it.
 * - Offers and reminders wait during quiet hours and while their customer has had `cap` of them
 *   in the last `capWindowMs` (two dispatchers claiming at the same instant for one customer
 *   could each send one: the cap is a courtesy, not a ledger).
 * - `capped` says another marketing message was SENT to the customer since `frequencyCapSince`
 *   (null = no frequency cap); the dispatcher skips such a row.
 *
 * Candidates are found through the (campaignId, status) index: ordinary rows under
 * "campaignId" IS NULL, each campaign's rows under its id, so a campaign of 100,000 pending
 * rows costs the claim no sort of them.
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
    frequencyCapSince: Date | null;
  },
): Promise<ClaimedMessage[]> {
  return sql.transaction(async (tx) => {
    // A campaign's pending rows are found through the (campaignId, status) index. Left to
    // itself the planner reads the table from the start instead (its statistics say most rows
    // of a campaign are pending), walking past every row sent before, of this and older
    // campaigns, on every claim: 160 ms a claim behind 20,000 sent rows instead of 5. With the
    // sequential scan ruled out the plan's cost looks huge, so JIT is ruled out too (it would
    // compile the statement each time, ~700 ms). A partial index on pending rows would make
    // this unnecessary; it needs a migration.
    await tx.query(
      `SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)`,
    );
    return claimIn(tx, options);
  });
}

async function claimIn(
  sql: Sql,
  options: Parameters<typeof claimDueMessages>[1],
): Promise<ClaimedMessage[]> {
  return sql.query<ClaimedMessage>(
    `WITH pool AS (
       (SELECT "id", "customerId", "service", "marketing" FROM "OutboxMessage"
        WHERE "campaignId" IS NULL AND "status" = 'PENDING' AND "notBefore" <= $1
          AND ("service" OR NOT $4::boolean)
        ORDER BY "service" DESC, "id"
        LIMIT $2 * 2)
       UNION ALL
       (SELECT o."id", o."customerId", o."service", o."marketing" FROM "Campaign" k
        CROSS JOIN LATERAL (
          SELECT d."id", d."customerId", d."service", d."marketing" FROM "OutboxMessage" d
          WHERE d."campaignId" = k."id" AND d."status" = 'PENDING' AND d."notBefore" <= $1
            AND (d."service" OR NOT $4::boolean)
          LIMIT $2 * 2
        ) o
        WHERE k."status" = 'SENDING')
       UNION ALL
       (SELECT o."id", o."customerId", o."service", o."marketing" FROM "Campaign" k
        CROSS JOIN LATERAL (
          SELECT d."id", d."customerId", d."service", d."marketing" FROM "OutboxMessage" d
          WHERE d."campaignId" = k."id" AND d."status" = 'PENDING' AND d."notBefore" <= $1
            AND (d."service" OR NOT $4::boolean) AND d."kind" <> 'campaign'
          LIMIT $2 * 2
        ) o
        WHERE k."status" <> 'SENDING')
       UNION ALL
       (SELECT "id", "customerId", "service", "marketing" FROM "OutboxMessage"
        WHERE "status" = 'SENDING' AND "claimedUntil" < $1
        LIMIT $2)
     ), one_each AS (
       SELECT DISTINCT ON (p."customerId") p."id", p."customerId", p."service", p."marketing"
       FROM pool p
       ORDER BY p."customerId", p."service" DESC, p."id"
     ), allowed AS (
       SELECT c."id" FROM one_each c
       WHERE (NOT c."marketing" OR NOT EXISTS (
           SELECT 1 FROM "OutboxMessage" s
           WHERE s."customerId" = c."customerId" AND s."id" <> c."id"
             AND ((s."status"::text = 'SENT' AND s."sentAt" > $7::timestamp)
                  OR (s."status"::text = 'SENDING' AND s."claimedUntil" >= $1))
         ))
         AND (c."service" OR 1 + (
           -- "status"::text keeps these per-customer lookups on the (customerId, sentAt) index:
           -- on statistics taken while a campaign's rows were all pending, the planner took the
           -- status index and walked every sent row per candidate (6 s a claim at 80,000 sent).
           SELECT count(*) FROM "OutboxMessage" s
           WHERE s."customerId" = c."customerId" AND NOT s."service"
             AND s."status"::text = 'SENT' AND s."sentAt" > $6::timestamp
         ) <= $5)
     ), due AS (
       SELECT o."id" FROM "OutboxMessage" o JOIN allowed ON allowed."id" = o."id"
       WHERE (o."status" = 'PENDING' AND o."notBefore" <= $1)
          OR (o."status" = 'SENDING' AND o."claimedUntil" < $1)
       ORDER BY o."service" DESC, o."id"
       LIMIT $2
       FOR UPDATE OF o SKIP LOCKED
     ), claimed AS (
       UPDATE "OutboxMessage" m
       SET "status" = 'SENDING', "claimedUntil" = $3::timestamp, "attempts" = m."attempts" + 1,
           "reclaims" = m."reclaims" + CASE WHEN m."status" = 'SENDING' THEN 1 ELSE 0 END
       FROM due WHERE m."id" = due."id"
       RETURNING m."id", m."kind", m."payload", m."service", m."marketing", m."campaignId",
                 m."variant", m."attempts", m."customerId", m."reclaims" > 0 AS "reclaimed"
     )
     SELECT claimed.*, c."telegramId", c."reachable", c."language", c."telegramLanguage",
            c."status"::text AS "customerStatus", c."marketingConsent",
            c."name", c."telegramFirstName", c."tier", c."city", c."attributes",
            card."balance", card."number" AS "cardNumber",
            (claimed."marketing" AND $8::timestamp IS NOT NULL AND EXISTS (
              SELECT 1 FROM "OutboxMessage" s
              WHERE s."customerId" = claimed."customerId" AND s."marketing"
                AND s."status"::text = 'SENT' AND s."sentAt" > $8::timestamp AND s."id" <> claimed."id"
            )) AS "capped"
     FROM claimed
     JOIN "Customer" c ON c."id" = claimed."customerId"
     LEFT JOIN "LoyaltyCard" card ON card."customerId" = claimed."customerId"
     ORDER BY claimed."service" DESC, claimed."id"`,
    [
      options.now,
      options.limit,
      new Date(options.now.getTime() + options.leaseMs),
      options.quietHours,
      options.cap,
      new Date(options.now.getTime() - options.capWindowMs),
      new Date(options.now.getTime() - CHAT_SPACING_MS),
      options.frequencyCapSince,
    ],
  );
}

/** How a claimed message ended: sent, given up on, or back to wait (`PENDING`). */
export type Outcome = {
  id: bigint;
  status: Extract<
    OutboxStatus,
    "SENT" | "FAILED" | "BLOCKED" | "SKIPPED" | "CANCELLED" | "PENDING"
  >;
  /** SENT: when, and the message's id in the chat. */
  sentAt?: Date;
  telegramMessageId?: number;
  error?: string;
  /** PENDING: when it is due again. */
  notBefore?: Date;
  /** PENDING: the claim's attempt is given back (it was never tried). */
  refund?: boolean;
};

/**
 * Records the outcomes of a batch in one statement. Only rows still claimed are touched: a row
 * whose campaign was cancelled meanwhile keeps the core's CANCELLED.
 */
export async function settleOutboxMessages(sql: Sql, outcomes: readonly Outcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await sql.query(
    `UPDATE "OutboxMessage" m
     SET "status" = u."status"::"OutboxStatus", "claimedUntil" = NULL,
         "telegramMessageId" = CASE WHEN u."status" = 'PENDING' THEN m."telegramMessageId"
                                    ELSE u."messageId" END,
         "sentAt" = u."sentAt",
         "lastError" = CASE WHEN u."status" = 'PENDING' THEN COALESCE(u."error", m."lastError")
                            ELSE u."error" END,
         "notBefore" = COALESCE(u."notBefore", m."notBefore"),
         "attempts" = m."attempts" - CASE WHEN u."refund" THEN 1 ELSE 0 END
     FROM unnest($1::bigint[], $2::text[], $3::timestamp[], $4::int[], $5::text[],
                 $6::timestamp[], $7::boolean[])
          AS u("id", "status", "sentAt", "messageId", "error", "notBefore", "refund")
     WHERE m."id" = u."id" AND m."status" = 'SENDING'`,
    [
      outcomes.map((o) => o.id),
      outcomes.map((o) => o.status),
      outcomes.map((o) => (o.status === "SENT" ? (o.sentAt ?? null) : null)),
      outcomes.map((o) => o.telegramMessageId ?? null),
      outcomes.map((o) => o.error ?? null),
      outcomes.map((o) => o.notBefore ?? null),
      outcomes.map((o) => o.refund ?? false),
    ],
  );
}

/**
 * Keeps a batch's claims alive while it is being sent and reads what may stop it: the states
 * of its campaigns and the end of a 429 pause (by the database's clock, as remaining ms).
 */
export async function renewClaims(
  sql: Sql,
  options: { ids: readonly bigint[]; until: Date; campaignIds: readonly string[] },
): Promise<{ campaigns: Map<string, string>; pausedForMs: number }> {
  const rows = await sql.query<{ id: string | null; status: string | null; pausedForMs: number }>(
    `WITH renewed AS (
       UPDATE "OutboxMessage" SET "claimedUntil" = $2
       WHERE "id" = ANY($1::bigint[]) AND "status" = 'SENDING'
       RETURNING 1
     ), paused AS (
       SELECT GREATEST(0, EXTRACT(EPOCH FROM "pausedUntil" - (now() AT TIME ZONE 'UTC')) * 1000)::float8
              AS "pausedForMs"
       FROM "DispatchState" WHERE "id" = 1
     )
     SELECT k."id", k."status"::text AS "status", COALESCE(p."pausedForMs", 0) AS "pausedForMs"
     FROM (SELECT count(*) FROM renewed) r
     LEFT JOIN paused p ON true
     LEFT JOIN "Campaign" k ON k."id" = ANY($3::uuid[])`,
    [options.ids, options.until, options.campaignIds],
  );
  const campaigns = new Map<string, string>();
  for (const row of rows) if (row.id && row.status) campaigns.set(row.id, row.status);
  return { campaigns, pausedForMs: rows[0]?.pausedForMs ?? 0 };
}

// ───────────────────────────── Campaign deliveries ─────────────────────────────

/** What the dispatcher needs of a campaign to render its deliveries. */
export type DispatchedCampaign = {
  id: string;
  status: string;
  message: unknown;
  variants: unknown;
  photoFileId: string | null;
};

export async function campaignsForDispatch(
  sql: Sql,
  ids: readonly string[],
): Promise<DispatchedCampaign[]> {
  if (ids.length === 0) return [];
  return sql.query<DispatchedCampaign>(
    `SELECT "id", "status"::text AS "status", "message", "variants", "photoFileId"
     FROM "Campaign" WHERE "id" = ANY($1::uuid[])`,
    [ids],
  );
}

/** The photo's file_id after its first upload; later deliveries send it instead of the URL. */
export async function rememberCampaignPhoto(
  sql: Sql,
  options: { campaignId: string; fileId: string | null },
): Promise<void> {
  await sql.query(
    `UPDATE "Campaign" SET "photoFileId" = $2, "updatedAt" = (now() AT TIME ZONE 'UTC')
     WHERE "id" = $1`,
    [options.campaignId, options.fileId],
  );
}

/** The dispatcher stops a campaign it cannot send (its photo failed), for the owner to fix. */
export async function pauseCampaignOnError(
  sql: Sql,
  options: { campaignId: string; at: Date; error: string },
): Promise<void> {
  await sql.query(
    `UPDATE "Campaign" SET "status" = 'PAUSED', "pausedAt" = $2, "lastError" = $3, "updatedAt" = $2
     WHERE "id" = $1 AND "status" = 'SENDING'`,
    [options.campaignId, options.at, options.error],
  );
}

/** Campaigns among `ids` that are SENDING and have no delivery left to send become SENT. */
export async function finishSentCampaigns(
  sql: Sql,
  options: { ids: readonly string[]; at: Date },
): Promise<string[]> {
  if (options.ids.length === 0) return [];
  const rows = await sql.query<{ id: string }>(
    `UPDATE "Campaign" k SET "status" = 'SENT', "finishedAt" = $2, "updatedAt" = $2
     WHERE k."id" = ANY($1::uuid[]) AND k."status" = 'SENDING'
       AND NOT EXISTS (
         SELECT 1 FROM "OutboxMessage" o
         WHERE o."campaignId" = k."id" AND o."kind" = 'campaign'
           AND o."status" IN ('PENDING', 'SENDING')
       )
     RETURNING k."id"`,
    [options.ids, options.at],
  );
  return rows.map((row) => row.id);
}
