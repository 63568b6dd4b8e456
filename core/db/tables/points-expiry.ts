import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";
import { outboxFrom } from "./outbox-messages.ts";

/**
 * Expiry over "PointsEntry", first in, first out (see core/loyalty/expiry.ts): what is left of a
 * card's credits earned before a cutoff is max(0, credits before it − all debits so far).
 * Credits are the positive entries of any kind, debits the negative ones (spending, expiries,
 * reversals of earned points, rewards).
 */

/** A card's sums for the closed form, as a LATERAL subquery over its entries. */
function fifoSums(cutoffs: Record<string, string>): string {
  const credits = Object.entries(cutoffs).map(
    ([name, param]) =>
      `COALESCE(SUM(e."delta") FILTER (WHERE e."delta" > 0 AND e."createdAt" < ${param}::timestamp), 0) AS "${name}"`,
  );
  return `SELECT ${credits.join(", ")},
            COALESCE(-SUM(e."delta") FILTER (WHERE e."delta" < 0), 0) AS "debits"
          FROM "PointsEntry" e WHERE e."cardId" = k."id"`;
}

/** Cards (any status: points age on a blocked card too) with points older than `cutoff` left. */
export async function selectCardsWithPointsToExpire(
  sql: Sql,
  cutoff: Date,
): Promise<Array<{ cardId: string; customerId: string }>> {
  return sql.query<{ cardId: string; customerId: string }>(
    `SELECT k."id" AS "cardId", k."customerId"
     FROM "LoyaltyCard" k
     CROSS JOIN LATERAL (${fifoSums({ before: "$1" })}) s
     WHERE k."balance" > 0 AND s."before" > s."debits"
     ORDER BY k."id"`,
    [cutoff],
  );
}

/** The points of the card that must expire for `cutoff`; never more than its balance. */
export async function selectPointsToExpire(tx: Sql, cardId: string, cutoff: Date): Promise<number> {
  const [row] = await tx.query<{ points: number }>(
    `SELECT LEAST(k."balance", GREATEST(0, s."before" - s."debits"))::int AS "points"
     FROM "LoyaltyCard" k
     CROSS JOIN LATERAL (${fifoSums({ before: "$2" })}) s
     WHERE k."id" = $1`,
    [cardId, cutoff],
  );
  return row?.points ?? 0;
}

/**
 * Queues, in one statement, the warning for every active customer whose points will expire on
 * a given day: what expires by `cutoff` minus what expires by `previousCutoff` (the day before),
 * given everything spent so far. The dedupe key (prefix + customer id + suffix) makes a second
 * run queue nothing. Returns how many were queued.
 */
export async function queueExpiryWarnings(
  sql: Sql,
  options: {
    cutoff: Date;
    previousCutoff: Date;
    kind: string;
    template: string;
    dedupeKey: { prefix: string; suffix: string };
    /** The expiry day, as the message shows it. */
    date: { day: string; month: number; year: string };
    /**
     * The owner's words (an automation's OwnerMessagePayload without its vars) instead of
     * `template`; the vars then are `expiring_points` and `expiry_date` ("31.12.2026").
     */
    owner?: Record<string, unknown> | null;
    at: Date;
  },
): Promise<number> {
  const [row] = await sql.query<{ queued: number }>(
    `WITH due AS (
       SELECT k."customerId",
              LEAST(k."balance",
                    GREATEST(0, s."byDay" - s."debits") - GREATEST(0, s."byDayBefore" - s."debits"))
                AS "points"
       FROM "LoyaltyCard" k
       JOIN "Customer" c ON c."id" = k."customerId"
       CROSS JOIN LATERAL (${fifoSums({ byDay: "$1", byDayBefore: "$2" })}) s
       WHERE k."balance" > 0 AND k."status" = 'ACTIVE'
         AND c."status" = 'ACTIVE' AND c."deletedAt" IS NULL
     ), notices AS (
       SELECT "customerId", $5::text || "customerId"::text || $6::text AS "dedupeKey",
              CASE WHEN $11::jsonb IS NULL
                THEN jsonb_build_object('template', $4::text, 'vars', jsonb_build_object(
                  'count', "points", 'day', $7::text, 'month', $8::int, 'year', $9::text))
                ELSE $11::jsonb || jsonb_build_object('vars', jsonb_build_object(
                  'expiring_points', "points",
                  'expiry_date', lpad($7::text, 2, '0') || '.' || lpad($8::text, 2, '0') || '.' || $9::text))
              END AS "payload"
       FROM due WHERE "points" > 0
     ), queued AS (
       ${outboxFrom("notices", { kind: "$3", service: "true", at: "$10" })}
       RETURNING 1
     )
     SELECT count(*)::int AS "queued" FROM queued`,
    [
      options.cutoff,
      options.previousCutoff,
      options.kind,
      options.template,
      options.dedupeKey.prefix,
      options.dedupeKey.suffix,
      options.date.day,
      options.date.month,
      options.date.year,
      options.at,
      options.owner ? jsonParam(options.owner) : null,
    ],
  );
  return row?.queued ?? 0;
}

/**
 * Expires the points due for `cutoff` on a batch of cards in one statement, after locking them
 * (in id order, as every locker of several cards does, so two runs never deadlock): for each
 * card one EXPIRE entry of LEAST(balance, what is left of the credits before the cutoff), keyed
 * `expire:<customerId>:<day>`, with the balance moved in the same statement. A card whose key
 * was posted already is skipped; with the cards locked nothing can post it meanwhile.
 */
export async function expireBatch(
  tx: Sql,
  options: {
    cardIds: readonly string[];
    cutoff: Date;
    day: string;
    note: string;
    at: Date;
    /** Queue the points.changed webhook of each entry in the same statement (someone listens). */
    webhooks?: boolean;
  },
): Promise<{ cards: number; points: number }> {
  await tx.query(
    `SELECT 1 FROM "LoyaltyCard" WHERE "id" = ANY($1::uuid[]) ORDER BY "id" FOR UPDATE`,
    [options.cardIds],
  );
  const [row] = await tx.query<{ cards: number; points: number }>(
    `WITH due AS (
       SELECT k."id", k."customerId",
              LEAST(k."balance", GREATEST(0, s."before" - s."debits"))::int AS "points",
              'expire:' || k."customerId"::text || ':' || $3::text AS "key"
       FROM "LoyaltyCard" k
       CROSS JOIN LATERAL (${fifoSums({ before: "$2" })}) s
       WHERE k."id" = ANY($1::uuid[])
     ), moved AS (
       UPDATE "LoyaltyCard" k SET "balance" = k."balance" - due."points"
       FROM due
       WHERE k."id" = due."id" AND due."points" > 0
         AND NOT EXISTS (SELECT 1 FROM "PointsEntry" p WHERE p."idempotencyKey" = due."key")
       RETURNING k."id", k."customerId", k."balance", due."points", due."key"
     ), posted AS (
       INSERT INTO "PointsEntry"
         ("cardId", "customerId", "kind", "delta", "balanceAfter", "idempotencyKey", "note", "createdAt")
       SELECT "id", "customerId", 'EXPIRE', -"points", "balance", "key", $4, $5 FROM moved
       RETURNING *
     )${options.webhooks ? `, notified AS (${pointsChangedDeliveries("posted", "$5")})` : ""}
     SELECT count(*)::int AS "cards", COALESCE(-SUM("delta"), 0)::int AS "points" FROM posted`,
    [options.cardIds, options.cutoff, options.day, options.note, options.at],
  );
  return { cards: row?.cards ?? 0, points: row?.points ?? 0 };
}

/**
 * The points.changed webhook deliveries of the ledger rows in the CTE `entries` (RETURNING * of
 * an INSERT INTO "PointsEntry"), for every active endpoint listening: the same payload and
 * dedupe key as core/loyalty/ledger.ts pointsChangedEvent, so a batch job and a single post read
 * alike to the receiver.
 */
export function pointsChangedDeliveries(entries: string, at: string): string {
  return `INSERT INTO "WebhookDelivery" ("endpointId", "event", "payload", "dedupeKey", "notBefore", "createdAt")
    SELECT w."id", 'points.changed',
           jsonb_build_object(
             'customerId', p."customerId", 'cardId', p."cardId", 'entryId', p."id"::text,
             'kind', p."kind", 'delta', p."delta", 'balance', p."balanceAfter",
             'purchaseId', p."purchaseId", 'note', p."note",
             'at', to_char(p."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
           'points.changed:entry:' || p."id"::text || ':' || w."id"::text,
           ${at}::timestamp, ${at}::timestamp
    FROM ${entries} p
    JOIN "WebhookEndpoint" w ON w."active" AND 'points.changed' = ANY(w."events")
    ON CONFLICT ("dedupeKey") DO NOTHING`;
}
