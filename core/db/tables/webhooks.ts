import type { WebhookDeliveryStatus } from "../client.ts";
import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";

/** "WebhookEndpoint" and "WebhookDelivery": outgoing webhooks and their outbox (schema.prisma). */

export type WebhookEndpointRow = {
  id: string;
  url: string;
  secret: string;
  events: string[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
};

const endpointColumns = `"id", "url", "secret", "events", "active", "createdAt", "updatedAt"`;

export async function insertWebhookEndpoint(
  sql: Sql,
  endpoint: {
    id: string;
    url: string;
    secret: string;
    events: string[];
    active: boolean;
    at: Date;
  },
): Promise<WebhookEndpointRow> {
  const [row] = await sql.query<WebhookEndpointRow>(
    `INSERT INTO "WebhookEndpoint" ("id", "url", "secret", "events", "active", "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4::text[], $5, $6, $6)
     RETURNING ${endpointColumns}`,
    [endpoint.id, endpoint.url, endpoint.secret, endpoint.events, endpoint.active, endpoint.at],
  );
  return row as WebhookEndpointRow;
}

export function selectWebhookEndpoints(sql: Sql): Promise<WebhookEndpointRow[]> {
  return sql.query<WebhookEndpointRow>(
    `SELECT ${endpointColumns} FROM "WebhookEndpoint" ORDER BY "createdAt", "id"`,
  );
}

export async function selectWebhookEndpoint(
  sql: Sql,
  id: string,
): Promise<WebhookEndpointRow | null> {
  const [row] = await sql.query<WebhookEndpointRow>(
    `SELECT ${endpointColumns} FROM "WebhookEndpoint" WHERE "id" = $1`,
    [id],
  );
  return row ?? null;
}

/** Changes the given fields; null when there is no such endpoint. */
export async function updateWebhookEndpoint(
  sql: Sql,
  id: string,
  change: { url?: string; secret?: string; events?: string[]; active?: boolean; at: Date },
): Promise<WebhookEndpointRow | null> {
  const [row] = await sql.query<WebhookEndpointRow>(
    `UPDATE "WebhookEndpoint" SET
       "url" = COALESCE($2, "url"),
       "secret" = COALESCE($3, "secret"),
       "events" = COALESCE($4::text[], "events"),
       "active" = COALESCE($5, "active"),
       "updatedAt" = $6
     WHERE "id" = $1
     RETURNING ${endpointColumns}`,
    [
      id,
      change.url ?? null,
      change.secret ?? null,
      change.events ?? null,
      change.active ?? null,
      change.at,
    ],
  );
  return row ?? null;
}

export async function deleteWebhookEndpoint(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql.query(`DELETE FROM "WebhookEndpoint" WHERE "id" = $1 RETURNING 1`, [id]);
  return rows.length > 0;
}

/** The events at least one active endpoint listens to. */
export async function selectSubscribedEvents(sql: Sql): Promise<string[]> {
  const rows = await sql.query<{ event: string }>(
    `SELECT DISTINCT unnest("events") AS "event" FROM "WebhookEndpoint" WHERE "active"`,
  );
  return rows.map((row) => row.event);
}

/**
 * One delivery per active endpoint subscribed to each event, in one statement; the key of a
 * delivery is the event's key and the endpoint's id, so an event emitted again (a retried
 * transaction, a duplicate request) is delivered once to each endpoint.
 */
export async function insertWebhookDeliveries(
  sql: Sql,
  events: ReadonlyArray<{ event: string; data: unknown; dedupeKey: string }>,
  at: Date,
): Promise<number> {
  const rows = await sql.query(
    `INSERT INTO "WebhookDelivery" ("endpointId", "event", "payload", "dedupeKey", "notBefore", "createdAt")
     SELECT e."id", ev."event", ev."payload", ev."key" || ':' || e."id"::text, $4, $4
     FROM unnest($1::text[], $2::jsonb[], $3::text[]) AS ev("event", "payload", "key")
     JOIN "WebhookEndpoint" e ON e."active" AND ev."event" = ANY(e."events")
     ON CONFLICT ("dedupeKey") DO NOTHING
     RETURNING 1`,
    [
      events.map((e) => e.event),
      events.map((e) => jsonParam(e.data ?? {})),
      events.map((e) => `${e.event}:${e.dedupeKey}`),
      at,
    ],
  );
  return rows.length;
}

export type ClaimedDelivery = {
  id: bigint;
  event: string;
  payload: unknown;
  attempts: number;
  createdAt: Date;
  url: string;
  secret: string;
};

/**
 * Claims up to `limit` due deliveries of active endpoints for `leaseMs`, oldest first: FOR
 * UPDATE SKIP LOCKED, so two processes never send the same one, and a claim that ran out (its
 * process died) is due again.
 */
export function claimDueDeliveries(
  sql: Sql,
  options: { now: Date; limit: number; leaseMs: number },
): Promise<ClaimedDelivery[]> {
  return sql.query<ClaimedDelivery>(
    `WITH due AS (
       SELECT d."id" FROM "WebhookDelivery" d
       JOIN "WebhookEndpoint" e ON e."id" = d."endpointId" AND e."active"
       WHERE (d."status" = 'PENDING' AND d."notBefore" <= $1)
          OR (d."status" = 'SENDING' AND d."claimedUntil" < $1)
       ORDER BY d."id"
       LIMIT $2
       FOR UPDATE OF d SKIP LOCKED
     ), claimed AS (
       UPDATE "WebhookDelivery" w
       SET "status" = 'SENDING', "claimedUntil" = $3::timestamp, "attempts" = w."attempts" + 1
       FROM due WHERE w."id" = due."id"
       RETURNING w."id", w."event", w."payload", w."attempts", w."createdAt", w."endpointId"
     )
     SELECT claimed."id", claimed."event", claimed."payload", claimed."attempts",
            claimed."createdAt", e."url", e."secret"
     FROM claimed JOIN "WebhookEndpoint" e ON e."id" = claimed."endpointId"
     ORDER BY claimed."id"`,
    [options.now, options.limit, new Date(options.now.getTime() + options.leaseMs)],
  );
}

/** The outcome of one attempt: delivered, given up on, or due again at `retryAt`. */
export async function finishWebhookAttempt(
  sql: Sql,
  id: bigint,
  outcome: {
    status: Extract<WebhookDeliveryStatus, "PENDING" | "DELIVERED" | "FAILED">;
    responseStatus: number | null;
    error: string | null;
    retryAt: Date | null;
    at: Date;
  },
): Promise<void> {
  await sql.query(
    `UPDATE "WebhookDelivery" SET
       "status" = $2::"WebhookDeliveryStatus",
       "responseStatus" = $3,
       "lastError" = $4,
       "notBefore" = COALESCE($5, "notBefore"),
       "claimedUntil" = NULL,
       "deliveredAt" = CASE WHEN $2 = 'DELIVERED' THEN $6::timestamp ELSE "deliveredAt" END
     WHERE "id" = $1`,
    [id, outcome.status, outcome.responseStatus, outcome.error, outcome.retryAt, outcome.at],
  );
}

export type WebhookDeliveryRow = {
  id: bigint;
  event: string;
  payload: unknown;
  status: WebhookDeliveryStatus;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  notBefore: Date;
  createdAt: Date;
  deliveredAt: Date | null;
};

/** An endpoint's delivery log, newest first. */
export function selectWebhookDeliveries(
  sql: Sql,
  options: { endpointId: string; status?: WebhookDeliveryStatus; limit: number },
): Promise<WebhookDeliveryRow[]> {
  return sql.query<WebhookDeliveryRow>(
    `SELECT "id", "event", "payload", "status", "attempts", "responseStatus", "lastError",
            "notBefore", "createdAt", "deliveredAt"
     FROM "WebhookDelivery"
     WHERE "endpointId" = $1 AND ($2::"WebhookDeliveryStatus" IS NULL OR "status" = $2::"WebhookDeliveryStatus")
     ORDER BY "id" DESC
     LIMIT $3`,
    [options.endpointId, options.status ?? null, options.limit],
  );
}
