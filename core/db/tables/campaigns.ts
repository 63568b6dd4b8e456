import type { Campaign, CampaignStatus } from "../client.ts";
import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";

/** "Campaign": broadcasts to an audience; their deliveries are OutboxMessage rows. */

export type CampaignFields = {
  name: string;
  marketing: boolean;
  segmentId: string | null;
  audience: unknown;
  message: unknown;
  variants: unknown;
  scheduledAt: Date | null;
  localTime: boolean;
};

export async function insertCampaign(
  sql: Sql,
  campaign: CampaignFields & { id: string; createdById: string | null },
  at: Date,
): Promise<Campaign> {
  const [row] = await sql.query<Campaign>(
    `INSERT INTO "Campaign" ("id", "name", "marketing", "segmentId", "audience", "message",
       "variants", "scheduledAt", "localTime", "createdById", "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4::uuid, $5::jsonb, $6::jsonb, $7::jsonb, $8, $9, $10::uuid, $11, $11)
     RETURNING *`,
    [
      campaign.id,
      campaign.name,
      campaign.marketing,
      campaign.segmentId,
      jsonParam(campaign.audience),
      jsonParam(campaign.message),
      jsonParam(campaign.variants),
      campaign.scheduledAt,
      campaign.localTime,
      campaign.createdById,
      at,
    ],
  );
  return row as Campaign;
}

/** The campaign; `lock` holds it until the transaction ends (a change, a launch). */
export async function selectCampaign(
  sql: Sql,
  id: string,
  options: { lock?: boolean } = {},
): Promise<Campaign | null> {
  const [row] = await sql.query<Campaign>(
    `SELECT * FROM "Campaign" WHERE "id" = $1${options.lock ? " FOR UPDATE" : ""}`,
    [id],
  );
  return row ?? null;
}

export async function updateCampaignFields(
  sql: Sql,
  id: string,
  fields: CampaignFields,
  at: Date,
): Promise<Campaign> {
  const [row] = await sql.query<Campaign>(
    `UPDATE "Campaign" SET "name" = $2, "marketing" = $3, "segmentId" = $4::uuid,
       "audience" = $5::jsonb, "message" = $6::jsonb, "variants" = $7::jsonb,
       "scheduledAt" = $8, "localTime" = $9, "updatedAt" = $10
     WHERE "id" = $1 RETURNING *`,
    [
      id,
      fields.name,
      fields.marketing,
      fields.segmentId,
      jsonParam(fields.audience),
      jsonParam(fields.message),
      jsonParam(fields.variants),
      fields.scheduledAt,
      fields.localTime,
      at,
    ],
  );
  return row as Campaign;
}

/** The sent text changed (edit-messages): the message and the variants' words. */
export async function updateCampaignTexts(
  sql: Sql,
  id: string,
  texts: { message: unknown; variants: unknown },
  at: Date,
): Promise<Campaign> {
  const [row] = await sql.query<Campaign>(
    `UPDATE "Campaign" SET "message" = $2::jsonb, "variants" = $3::jsonb, "updatedAt" = $4
     WHERE "id" = $1 RETURNING *`,
    [id, jsonParam(texts.message), jsonParam(texts.variants), at],
  );
  return row as Campaign;
}

/** A change of state with the times that go with it (null leaves a time as it is). */
export async function setCampaignStatus(
  sql: Sql,
  id: string,
  change: {
    status: CampaignStatus;
    at: Date;
    startedAt?: Date | null;
    pausedAt?: Date | null;
    finishedAt?: Date | null;
    clearPausedAt?: boolean;
    lastError?: string | null;
  },
): Promise<Campaign> {
  const [row] = await sql.query<Campaign>(
    `UPDATE "Campaign" SET "status" = $2::"CampaignStatus", "updatedAt" = $3,
       "startedAt" = coalesce($4, "startedAt"),
       "pausedAt" = CASE WHEN $7 THEN NULL ELSE coalesce($5, "pausedAt") END,
       "finishedAt" = coalesce($6, "finishedAt"),
       "lastError" = CASE WHEN $8 THEN $9 ELSE "lastError" END
     WHERE "id" = $1 RETURNING *`,
    [
      id,
      change.status,
      change.at,
      change.startedAt ?? null,
      change.pausedAt ?? null,
      change.finishedAt ?? null,
      change.clearPausedAt ?? false,
      change.lastError !== undefined,
      change.lastError ?? null,
    ],
  );
  return row as Campaign;
}

/**
 * Cancels the campaign and every delivery of it not yet claimed, in one statement (a
 * data-modifying WITH runs whether or not the outer statement reads it).
 */
export async function cancelCampaignRows(sql: Sql, id: string, at: Date): Promise<Campaign> {
  const [row] = await sql.query<Campaign>(
    `WITH rows AS (
       UPDATE "OutboxMessage" SET "status" = 'CANCELLED'
       WHERE "campaignId" = $1 AND "kind" = 'campaign' AND "status" = 'PENDING'
       RETURNING 1
     )
     UPDATE "Campaign" SET "status" = 'CANCELLED', "finishedAt" = $2, "updatedAt" = $2
     WHERE "id" = $1
     RETURNING *`,
    [id, at],
  );
  return row as Campaign;
}

export async function selectCampaigns(
  sql: Sql,
  filter: {
    status?: CampaignStatus | undefined;
    limit: number;
    before?: { createdAt: Date; id: string };
  },
): Promise<Campaign[]> {
  return sql.query<Campaign>(
    `SELECT * FROM "Campaign"
     WHERE ($1::"CampaignStatus" IS NULL OR "status" = $1::"CampaignStatus")
       AND ($2::timestamp IS NULL OR ("createdAt", "id") < ($2::timestamp, $3::uuid))
     ORDER BY "createdAt" DESC, "id" DESC
     LIMIT $4`,
    [
      filter.status ?? null,
      filter.before?.createdAt ?? null,
      filter.before?.id ?? null,
      filter.limit,
    ],
  );
}

/** Scheduled campaigns whose recipients are due to be materialised (see scheduled-launch.ts). */
export async function selectDueCampaignIds(
  sql: Sql,
  now: Date,
  localTimeLeadHours: number,
): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `SELECT "id" FROM "Campaign"
     WHERE "status" = 'SCHEDULED'
       AND ("scheduledAt" <= $1
         OR ("localTime" AND "scheduledAt" - make_interval(hours => $2::int) <= $1))
     ORDER BY "scheduledAt"`,
    [now, localTimeLeadHours],
  );
  return rows.map((row) => row.id);
}

/** Takes a due campaign for materialising; another process holding it is skipped. */
export async function lockScheduledCampaign(sql: Sql, id: string): Promise<Campaign | null> {
  const [row] = await sql.query<Campaign>(
    `SELECT * FROM "Campaign" WHERE "id" = $1 AND "status" = 'SCHEDULED'
     FOR UPDATE SKIP LOCKED`,
    [id],
  );
  return row ?? null;
}

/** Campaigns sending whose every delivery reached an end become SENT. */
export async function finishSentCampaigns(sql: Sql, at: Date): Promise<number> {
  const rows = await sql.query(
    `UPDATE "Campaign" c SET "status" = 'SENT', "finishedAt" = $1, "updatedAt" = $1
     WHERE c."status" = 'SENDING' AND NOT EXISTS (
       SELECT 1 FROM "OutboxMessage" o
       WHERE o."campaignId" = c."id" AND o."kind" = 'campaign'
         AND o."status" IN ('PENDING', 'SENDING'))
     RETURNING 1`,
    [at],
  );
  return rows.length;
}

export async function selectSegmentDefinition(sql: Sql, id: string): Promise<unknown | null> {
  const [row] = await sql.query<{ definition: unknown }>(
    `SELECT "definition" FROM "Segment" WHERE "id" = $1`,
    [id],
  );
  return row ? row.definition : null;
}

export type DeliveryCounts = {
  variant: string | null;
  status: string;
  count: number;
  reclaimedSent: number;
};

export async function selectDeliveryCounts(sql: Sql, id: string): Promise<DeliveryCounts[]> {
  return sql.query<DeliveryCounts>(
    `SELECT "variant", "status"::text AS "status", count(*)::int AS "count",
       (count(*) FILTER (WHERE "reclaims" > 0 AND "status" = 'SENT'))::int AS "reclaimedSent"
     FROM "OutboxMessage" WHERE "campaignId" = $1 AND "kind" = 'campaign'
     GROUP BY 1, 2`,
    [id],
  );
}

export type ClickCounts = {
  variant: string | null;
  deliveries: number;
  presses: number;
  unsubscribes: number;
};

export async function selectClickCounts(sql: Sql, id: string): Promise<ClickCounts[]> {
  return sql.query<ClickCounts>(
    `SELECT o."variant",
       (count(DISTINCT k."outboxId") FILTER (WHERE k."button" <> 'unsubscribe'))::int AS "deliveries",
       (count(*) FILTER (WHERE k."button" <> 'unsubscribe'))::int AS "presses",
       (count(*) FILTER (WHERE k."button" = 'unsubscribe'))::int AS "unsubscribes"
     FROM "CampaignClick" k JOIN "OutboxMessage" o ON o."id" = k."outboxId"
     WHERE k."campaignId" = $1 AND o."kind" = 'campaign'
     GROUP BY 1`,
    [id],
  );
}

/**
 * A press of a delivery's URL button, counted once, with the URL to send the person on to;
 * null when there is no such delivery or button. One statement.
 */
export async function recordUrlClick(
  sql: Sql,
  deliveryId: bigint,
  index: number,
): Promise<string | null> {
  const [row] = await sql.query<{ url: string | null }>(
    `WITH d AS (
       SELECT o."id", o."campaignId", o."customerId",
         c."message" -> 'buttons' -> $2::int ->> 'url' AS "url"
       FROM "OutboxMessage" o JOIN "Campaign" c ON c."id" = o."campaignId"
       WHERE o."id" = $1 AND o."kind" IN ('campaign', 'campaign_test')
     ), click AS (
       INSERT INTO "CampaignClick" ("campaignId", "outboxId", "customerId", "button")
       SELECT "campaignId", "id", "customerId", $3 FROM d WHERE "url" IS NOT NULL
       ON CONFLICT ("outboxId", "button") DO NOTHING
     )
     SELECT "url" FROM d`,
    [deliveryId, index, String(index)],
  );
  return row?.url ?? null;
}

export type DeliveryReportRow = {
  id: bigint;
  customerId: string;
  name: string | null;
  telegramUsername: string | null;
  variant: string | null;
  status: string;
  notBefore: Date;
  sentAt: Date | null;
  attempts: number;
  reclaims: number;
  lastError: string | null;
  buttons: string | null;
};

/** One page of a campaign's deliveries after `afterId`, with the buttons each pressed. */
export async function selectDeliveryPage(
  sql: Sql,
  id: string,
  afterId: bigint,
  limit: number,
): Promise<DeliveryReportRow[]> {
  return sql.query<DeliveryReportRow>(
    `SELECT o."id", o."customerId", c."name", c."telegramUsername", o."variant",
       o."status"::text AS "status", o."notBefore", o."sentAt", o."attempts", o."reclaims",
       o."lastError",
       (SELECT string_agg(k."button", ',' ORDER BY k."button") FROM "CampaignClick" k
        WHERE k."outboxId" = o."id") AS "buttons"
     FROM "OutboxMessage" o JOIN "Customer" c ON c."id" = o."customerId"
     WHERE o."campaignId" = $1 AND o."kind" = 'campaign' AND o."id" > $2
     ORDER BY o."id" LIMIT $3`,
    [id, afterId, limit],
  );
}

/**
 * Queues a delete or an edit of every delivery sent within `since` that Telegram still lets
 * change (it has a message id), in one statement; returns how many were queued.
 */
export async function queueMessageChanges(
  sql: Sql,
  options: { campaignId: string; change: "delete" | "edit"; since: Date; at: Date; tag: string },
): Promise<number> {
  const [row] = await sql.query<{ count: number }>(
    `WITH ins AS (
       INSERT INTO "OutboxMessage"
         ("kind", "customerId", "payload", "service", "dedupeKey", "campaignId", "notBefore", "createdAt")
       SELECT 'campaign_change', o."customerId",
         jsonb_build_object('change', $2::text, 'messageId', o."telegramMessageId",
           'deliveryId', o."id"::text),
         true, 'campaign_change:' || o."id"::text || ':' || $5::text, o."campaignId", $4, $4
       FROM "OutboxMessage" o
       WHERE o."campaignId" = $1 AND o."kind" = 'campaign' AND o."status" = 'SENT'
         AND o."telegramMessageId" IS NOT NULL AND o."sentAt" > $3
       ON CONFLICT ("dedupeKey") DO NOTHING
       RETURNING 1
     )
     SELECT count(*)::int AS "count" FROM ins`,
    [options.campaignId, options.change, options.since, options.at, options.tag],
  );
  return row?.count ?? 0;
}

export type StaffContact = {
  id: string;
  name: string;
  telegramId: bigint | null;
  active: boolean;
};

export async function selectStaffContact(sql: Sql, id: string): Promise<StaffContact | null> {
  const [row] = await sql.query<StaffContact>(
    `SELECT "id", "name", "telegramId", "active" FROM "StaffMember" WHERE "id" = $1`,
    [id],
  );
  return row ?? null;
}
