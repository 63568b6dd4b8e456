import type { AutomationKind } from "../client.ts";
import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";

/** "Automation" and "DripEnrolment", and the outbox rows automations write (see schema.prisma). */

export type AutomationRow = {
  key: string;
  kind: AutomationKind;
  name: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  message: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
};

const COLUMNS = `"key", "kind", "name", "enabled", "settings", "message", "createdAt", "updatedAt"`;

export function selectAutomations(sql: Sql): Promise<AutomationRow[]> {
  return sql.query<AutomationRow>(
    `SELECT ${COLUMNS} FROM "Automation" ORDER BY "createdAt", "key"`,
  );
}

export async function selectAutomation(sql: Sql, key: string): Promise<AutomationRow | null> {
  const [row] = await sql.query<AutomationRow>(
    `SELECT ${COLUMNS} FROM "Automation" WHERE "key" = $1`,
    [key],
  );
  return row ?? null;
}

export type NewAutomation = Pick<
  AutomationRow,
  "key" | "kind" | "name" | "enabled" | "settings" | "message"
>;

/** Inserts the rows whose keys are free, in one statement; returns the keys inserted. */
export async function insertAutomations(
  sql: Sql,
  rows: readonly NewAutomation[],
  at: Date,
): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await sql.query<{ key: string }>(
    `INSERT INTO "Automation" (${COLUMNS})
     SELECT r."key", r."kind"::"AutomationKind", r."name", r."enabled", r."settings", r."message",
            $2::timestamp, $2::timestamp
     FROM jsonb_to_recordset($1::jsonb)
       AS r("key" text, "kind" text, "name" text, "enabled" boolean, "settings" jsonb, "message" jsonb)
     ON CONFLICT ("key") DO NOTHING
     RETURNING "key"`,
    [jsonParam(rows), at],
  );
  return inserted.map((row) => row.key);
}

export async function updateAutomationRow(
  sql: Sql,
  key: string,
  change: Pick<AutomationRow, "name" | "enabled" | "settings" | "message">,
  at: Date,
): Promise<AutomationRow | null> {
  const [row] = await sql.query<AutomationRow>(
    `UPDATE "Automation"
     SET "name" = $2, "enabled" = $3, "settings" = $4::jsonb, "message" = $5::jsonb, "updatedAt" = $6
     WHERE "key" = $1
     RETURNING ${COLUMNS}`,
    [key, change.name, change.enabled, jsonParam(change.settings), jsonParam(change.message), at],
  );
  return row ?? null;
}

/** Deletes the row (its drip enrolments go with it); the outbox rows it wrote stay. */
export async function deleteAutomationRow(sql: Sql, key: string): Promise<boolean> {
  const rows = await sql.query(`DELETE FROM "Automation" WHERE "key" = $1 RETURNING 1`, [key]);
  return rows.length > 0;
}

export type OutboxCounts = {
  fired: number;
  sent: number;
  skipped: number;
  failed: number;
  pending: number;
};

const COUNTS = `count(*)::int AS "fired",
  (count(*) FILTER (WHERE "status" = 'SENT'))::int AS "sent",
  (count(*) FILTER (WHERE "status" IN ('SKIPPED', 'CANCELLED')))::int AS "skipped",
  (count(*) FILTER (WHERE "status" IN ('FAILED', 'BLOCKED')))::int AS "failed",
  (count(*) FILTER (WHERE "status" IN ('PENDING', 'SENDING')))::int AS "pending"`;

/**
 * Rows whose key starts with $1 (LIKE-escaped), on the prefix index: automations' rows never
 * carry a campaign (migration 20261208014500_outbox_key_prefix_index).
 */
const KEY_PREFIX = `"campaignId" IS NULL AND "dedupeKey" LIKE $1 || '%'`;

/** What the outbox rows with keys starting `prefix` came to: one per occasion fired. */
export async function countOutboxByPrefix(sql: Sql, prefix: string): Promise<OutboxCounts> {
  const [row] = await sql.query<OutboxCounts>(
    `SELECT ${COUNTS} FROM "OutboxMessage" WHERE ${KEY_PREFIX}`,
    [likeEscape(prefix)],
  );
  return row ?? { fired: 0, sent: 0, skipped: 0, failed: 0, pending: 0 };
}

/** The same per drip step: the step is the last part of the key (`…:<occasion>:<step>`). */
export async function countOutboxBySteps(
  sql: Sql,
  prefix: string,
): Promise<Array<OutboxCounts & { step: number }>> {
  return sql.query<OutboxCounts & { step: number }>(
    `SELECT substring("dedupeKey" from ':([0-9]+)$')::int AS "step", ${COUNTS}
     FROM "OutboxMessage" WHERE ${KEY_PREFIX}
     GROUP BY 1 ORDER BY 1`,
    [likeEscape(prefix)],
  );
}

const likeEscape = (text: string) => text.replace(/[\\%_]/g, "\\$&");

/** The customer's wall clock now: `now` in their zone, else the business's. */
const localNow = (now: string, zone: string) =>
  `((${now}::timestamp AT TIME ZONE 'UTC') AT TIME ZONE ${zone})`;

/** Within [from, to) on the customer's wall clock. */
const withinHours = (now: string, zone: string, from: string, to: string) =>
  `EXTRACT(HOUR FROM ${localNow(now, zone)}) >= ${from}
   AND EXTRACT(HOUR FROM ${localNow(now, zone)}) < ${to}`;

/** Someone the bot can write to at all (consent and the cap are the dispatcher's, at send). */
const REACHABLE = `c."status" = 'ACTIVE' AND c."deletedAt" IS NULL AND c."telegramId" IS NOT NULL
  AND c."reachable"`;

const OUTBOX_INSERT = `INSERT INTO "OutboxMessage"
  ("kind", "customerId", "payload", "service", "marketing", "dedupeKey", "notBefore", "createdAt")`;

export type BatchResult = {
  /** The last customer id looked at (the next batch starts after it), null = none left. */
  last: string | null;
  /** The outbox keys this batch queued (a key queued before is not queued again). */
  queued: string[];
};

/**
 * One batch of win-backs in one statement: the next `size` customers after `after` (id order)
 * who can be written to, accept offers, are within the hours on their own clock, and whose days
 * since the last purchase exceed their own average interval (three purchases or more) or the
 * default, times the factor; each queued under `<prefix><customer>:<day of the last purchase>`.
 * `withCard`: only customers with an active card (a bonus is credited to it).
 */
export async function queueWinbackBatch(
  tx: Sql,
  options: {
    after: string | null;
    size: number;
    now: Date;
    timeZone: string;
    factor: number;
    defaultIntervalDays: number;
    hours: { from: number; to: number };
    prefix: string;
    kind: string;
    /** The payload without the per-customer variable (`days_since`, added here). */
    payload: Record<string, unknown>;
    vars: Record<string, unknown>;
    withCard: boolean;
  },
): Promise<BatchResult> {
  const [row] = await tx.query<{ last: string | null; queued: string[] }>(
    `WITH candidates AS (
       SELECT c."id", c."lastPurchaseAt", COALESCE(c."timeZone", $4) AS "zone"
       FROM "Customer" c
       WHERE ($1::uuid IS NULL OR c."id" > $1::uuid)
         AND ${REACHABLE} AND c."marketingConsent"
         AND c."lastPurchaseAt" IS NOT NULL
         AND $3::timestamp - c."lastPurchaseAt" > make_interval(secs =>
               86400 * $5::float8 * CASE WHEN c."purchaseCount" >= 3 AND c."avgPurchaseIntervalDays" > 0
                                    THEN c."avgPurchaseIntervalDays" ELSE $6::float8 END)
         AND ${withinHours("$3", `COALESCE(c."timeZone", $4)`, "$7", "$8")}
         AND (NOT $13::boolean OR EXISTS (
               SELECT 1 FROM "LoyaltyCard" k WHERE k."customerId" = c."id" AND k."status" = 'ACTIVE'))
       ORDER BY c."id"
       LIMIT $2
     ), queued AS (
       ${OUTBOX_INSERT}
       SELECT $10, c."id",
              $11::jsonb || jsonb_build_object('vars', $12::jsonb || jsonb_build_object(
                'days_since', floor(EXTRACT(EPOCH FROM $3::timestamp - c."lastPurchaseAt") / 86400)::int)),
              false, true,
              $9 || c."id"::text || ':' ||
                to_char((c."lastPurchaseAt" AT TIME ZONE 'UTC') AT TIME ZONE c."zone", 'YYYY-MM-DD'),
              $3::timestamp, $3::timestamp
       FROM candidates c
       ON CONFLICT ("dedupeKey") DO NOTHING
       RETURNING "dedupeKey"
     )
     SELECT (SELECT "id"::text FROM candidates ORDER BY "id" DESC LIMIT 1) AS "last",
            (SELECT COALESCE(jsonb_agg("dedupeKey"), '[]'::jsonb) FROM queued) AS "queued"`,
    [
      options.after,
      options.size,
      options.now,
      options.timeZone,
      options.factor,
      options.defaultIntervalDays,
      options.hours.from,
      options.hours.to,
      options.prefix,
      options.kind,
      jsonParam(options.payload),
      jsonParam(options.vars),
      options.withCard,
    ],
  );
  return { last: row?.last ?? null, queued: row?.queued ?? [] };
}

/**
 * One batch of date reminders in one statement: customers whose attribute `attribute` holds a
 * date ("YYYY-MM-DD") from today to `daysBefore` days ahead on their own calendar, within the
 * hours on their clock; queued under `<prefix><customer>:<the date>`, so each date value is
 * reminded once (a new date is a new occasion).
 */
export async function queueDateReminderBatch(
  tx: Sql,
  options: {
    after: string | null;
    size: number;
    now: Date;
    timeZone: string;
    attribute: string;
    daysBefore: number;
    hours: { from: number; to: number };
    prefix: string;
    kind: string;
    payload: Record<string, unknown>;
  },
): Promise<BatchResult> {
  const today = `(${localNow("$3", `COALESCE(c."timeZone", $4)`)})::date`;
  const [row] = await tx.query<{ last: string | null; queued: string[] }>(
    `WITH candidates AS (
       SELECT c."id", (c."attributes"->>$5)::date AS "date", ${today} AS "today"
       FROM "Customer" c
       WHERE ($1::uuid IS NULL OR c."id" > $1::uuid)
         AND ${REACHABLE}
         AND c."attributes"->>$5 ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
         AND ${withinHours("$3", `COALESCE(c."timeZone", $4)`, "$7", "$8")}
       ORDER BY c."id"
       LIMIT $2
     ), due AS (
       SELECT * FROM candidates WHERE "date" >= "today" AND "date" - $6::int <= "today"
     ), queued AS (
       ${OUTBOX_INSERT}
       SELECT $10, d."id",
              $11::jsonb || jsonb_build_object('vars', jsonb_build_object(
                'date', to_char(d."date", 'DD.MM.YYYY'), 'days_left', d."date" - d."today")),
              false, false, $9 || d."id"::text || ':' || to_char(d."date", 'YYYY-MM-DD'),
              $3::timestamp, $3::timestamp
       FROM due d
       ON CONFLICT ("dedupeKey") DO NOTHING
       RETURNING "dedupeKey"
     )
     SELECT (SELECT "id"::text FROM candidates ORDER BY "id" DESC LIMIT 1) AS "last",
            (SELECT COALESCE(jsonb_agg("dedupeKey"), '[]'::jsonb) FROM queued) AS "queued"`,
    [
      options.after,
      options.size,
      options.now,
      options.timeZone,
      options.attribute,
      options.daysBefore,
      options.hours.from,
      options.hours.to,
      options.prefix,
      options.kind,
      jsonParam(options.payload),
    ],
  );
  return { last: row?.last ?? null, queued: row?.queued ?? [] };
}

/**
 * Enrols into a drip chain everyone with a `trigger` event in [since, now], one enrolment per
 * occasion: the event itself (`<type>:<event id>`), or for a card, simply "card.issued" (one
 * card per customer). The first step is due `firstDelayHours` after the event. One statement;
 * an occasion enrolled before is left as it is.
 */
export async function enrolDrip(
  sql: Sql,
  options: {
    key: string;
    trigger: string;
    since: Date;
    now: Date;
    firstDelayHours: number;
  },
): Promise<number> {
  const rows = await sql.query(
    `INSERT INTO "DripEnrolment"
       ("automationKey", "customerId", "occasion", "step", "nextAt", "startedAt")
     SELECT $1, e."customerId",
            CASE WHEN e."type" = 'card.issued' THEN e."type" ELSE e."type" || ':' || e."id"::text END,
            0, e."createdAt" + make_interval(secs => 3600 * $5::float8), e."createdAt"
     FROM "CustomerEvent" e
     WHERE e."type" = $2 AND e."createdAt" >= $3::timestamp AND e."createdAt" <= $4::timestamp
     ON CONFLICT DO NOTHING
     RETURNING 1`,
    [options.key, options.trigger, options.since, options.now, options.firstDelayHours],
  );
  return rows.length;
}

/**
 * Stops, in one statement, the chain's running enrolments whose customer acted after the
 * enrolment started (an event of one of `stopOn`); the reason is that event's type.
 */
export async function stopDripEnrolments(
  sql: Sql,
  options: { key: string; stopOn: readonly string[]; now: Date },
): Promise<number> {
  const rows = await sql.query(
    `WITH acted AS (
       SELECT d."customerId", d."occasion",
              (SELECT e."type" FROM "CustomerEvent" e
               WHERE e."customerId" = d."customerId" AND e."type" = ANY($2::text[])
                 AND e."createdAt" > d."startedAt" AND e."createdAt" <= $3::timestamp
               ORDER BY e."createdAt" LIMIT 1) AS "reason"
       FROM "DripEnrolment" d
       WHERE d."automationKey" = $1 AND d."stoppedAt" IS NULL
     )
     UPDATE "DripEnrolment" d
     SET "stoppedAt" = $3::timestamp, "stopReason" = a."reason", "nextAt" = NULL
     FROM acted a
     WHERE d."automationKey" = $1 AND d."customerId" = a."customerId"
       AND d."occasion" = a."occasion" AND a."reason" IS NOT NULL
     RETURNING 1`,
    [options.key, options.stopOn, options.now],
  );
  return rows.length;
}

/**
 * Sends one batch of due drip steps in one statement: each running enrolment whose step is due,
 * within the hours on its customer's clock, queues that step (key `<prefix><customer>:
 * <occasion>:<step>`) and moves on to the next, due `delays[step + 1]` hours from now, or
 * finishes after the last. Rows locked by a concurrent run are left to it.
 */
export async function sendDripStepBatch(
  sql: Sql,
  options: {
    key: string;
    size: number;
    now: Date;
    timeZone: string;
    hours: { from: number; to: number };
    prefix: string;
    kind: string;
    /** One payload per step. */
    payloads: readonly Record<string, unknown>[];
    delays: readonly number[];
  },
): Promise<{ due: number; queued: number }> {
  const [row] = await sql.query<{ due: number; queued: number }>(
    `WITH due AS (
       SELECT d."customerId", d."occasion", d."step"
       FROM "DripEnrolment" d JOIN "Customer" c ON c."id" = d."customerId"
       WHERE d."automationKey" = $1 AND d."stoppedAt" IS NULL AND d."nextAt" <= $3::timestamp
         AND ${withinHours("$3", `COALESCE(c."timeZone", $4)`, "$5", "$6")}
       ORDER BY d."nextAt"
       LIMIT $2
       FOR UPDATE OF d SKIP LOCKED
     ), queued AS (
       ${OUTBOX_INSERT}
       SELECT $8, d."customerId", $9::jsonb -> d."step", false, true,
              $7 || d."customerId"::text || ':' || d."occasion" || ':' || d."step"::text,
              $3::timestamp, $3::timestamp
       FROM due d JOIN "Customer" c ON c."id" = d."customerId"
       WHERE d."step" < jsonb_array_length($9::jsonb) AND ${REACHABLE}
       ON CONFLICT ("dedupeKey") DO NOTHING
       RETURNING 1
     ), moved AS (
       UPDATE "DripEnrolment" e
       SET "step" = e."step" + 1,
           "nextAt" = CASE WHEN e."step" + 1 < cardinality($10::float8[])
                      THEN $3::timestamp + make_interval(secs => 3600 * ($10::float8[])[e."step" + 2])
                      END,
           "stoppedAt" = CASE WHEN e."step" + 1 >= cardinality($10::float8[]) THEN $3::timestamp END,
           "stopReason" = CASE WHEN e."step" + 1 >= cardinality($10::float8[]) THEN 'finished' END
       FROM due
       WHERE e."automationKey" = $1 AND e."customerId" = due."customerId"
         AND e."occasion" = due."occasion"
       RETURNING 1
     )
     SELECT (SELECT count(*)::int FROM moved) AS "due", (SELECT count(*)::int FROM queued) AS "queued"`,
    [
      options.key,
      options.size,
      options.now,
      options.timeZone,
      options.hours.from,
      options.hours.to,
      options.prefix,
      options.kind,
      jsonParam(options.payloads),
      options.delays,
    ],
  );
  return { due: row?.due ?? 0, queued: row?.queued ?? 0 };
}

export type DripEnrolmentRow = {
  customerId: string;
  occasion: string;
  step: number;
  nextAt: Date | null;
  startedAt: Date;
  stoppedAt: Date | null;
  stopReason: string | null;
};

/** How many enrolments a chain has, running and stopped by reason. */
export async function countDripEnrolments(
  sql: Sql,
  key: string,
): Promise<{ running: number; finished: number; stopped: number }> {
  const [row] = await sql.query<{ running: number; finished: number; stopped: number }>(
    `SELECT (count(*) FILTER (WHERE "stoppedAt" IS NULL))::int AS "running",
            (count(*) FILTER (WHERE "stopReason" = 'finished'))::int AS "finished",
            (count(*) FILTER (WHERE "stoppedAt" IS NOT NULL AND "stopReason" <> 'finished'))::int
              AS "stopped"
     FROM "DripEnrolment" WHERE "automationKey" = $1`,
    [key],
  );
  return row ?? { running: 0, finished: 0, stopped: 0 };
}
