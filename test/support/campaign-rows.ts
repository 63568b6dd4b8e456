import type { MessageSpec } from "../../core/campaigns/message.ts";
import type { Sql } from "../../core/db/sql.ts";

/**
 * Campaigns and their delivery rows written with plain SQL, the shape launch materialises
 * (core/campaigns): a Campaign row, and per recipient an OutboxMessage of kind "campaign" with
 * campaignId, marketing, variant, dedupeKey "campaign:<campaign>:<customer>" and the payload
 * {"campaign":{"variant":…}}. Dispatcher tests, the kill test and bench:broadcast start from
 * here, with as many recipients as they need in a few statements.
 */

export type Recipient = {
  telegramId: number;
  name?: string | null;
  telegramFirstName?: string | null;
  language?: string | null;
  telegramLanguage?: string | null;
  balance?: number;
  tier?: string;
  city?: string | null;
  attributes?: Record<string, unknown>;
  marketingConsent?: boolean;
  status?: "ACTIVE" | "ONBOARDING" | "DECLINED" | "DELETED";
  reachable?: boolean;
};

/** Customers with cards (ACTIVE and accepting offers unless told otherwise); their ids in order. */
export async function insertRecipients(sql: Sql, recipients: Recipient[]): Promise<string[]> {
  if (recipients.length === 0) return [];
  const rows = await sql.query<{ id: string }>(
    `WITH input AS (
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                            $6::int[], $7::text[], $8::text[], $9::text[], $10::boolean[],
                            $11::text[], $12::boolean[])
         WITH ORDINALITY AS i("telegramId", "name", "firstName", "language", "telegramLanguage",
                              "balance", "tier", "city", "attributes", "consent", "status",
                              "reachable", "n")
     ), customers AS (
       INSERT INTO "Customer" ("id", "status", "telegramId", "telegramFirstName", "telegramLanguage",
                               "name", "language", "city", "attributes", "tier", "marketingConsent",
                               "reachable", "referralCode", "dataConsentAt", "updatedAt")
       SELECT gen_random_uuid(), i."status"::"CustomerStatus", i."telegramId", i."firstName",
              i."telegramLanguage", i."name", i."language", i."city", i."attributes"::jsonb,
              i."tier", i."consent", i."reachable", 'r' || i."telegramId",
              now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
       FROM input i ORDER BY i."n"
       RETURNING "id", "telegramId"
     ), cards AS (
       INSERT INTO "LoyaltyCard" ("id", "number", "customerId", "balance")
       SELECT gen_random_uuid(), lpad(c."telegramId"::text, 12, '0'), c."id", i."balance"
       FROM customers c JOIN input i ON i."telegramId" = c."telegramId"
     )
     SELECT c."id" FROM customers c JOIN input i ON i."telegramId" = c."telegramId"
     ORDER BY i."n"`,
    [
      recipients.map((r) => r.telegramId),
      recipients.map((r) => (r.name === undefined ? "Анна Петрова" : r.name)),
      recipients.map((r) => (r.telegramFirstName === undefined ? "Аня" : r.telegramFirstName)),
      recipients.map((r) => r.language ?? null),
      recipients.map((r) => (r.telegramLanguage === undefined ? "ru" : r.telegramLanguage)),
      recipients.map((r) => r.balance ?? 150),
      recipients.map((r) => r.tier ?? "base"),
      recipients.map((r) => r.city ?? null),
      recipients.map((r) => JSON.stringify(r.attributes ?? {})),
      recipients.map((r) => r.marketingConsent ?? true),
      recipients.map((r) => r.status ?? "ACTIVE"),
      recipients.map((r) => r.reachable ?? true),
    ],
  );
  return rows.map((row) => row.id);
}

/**
 * `count` plain recipients with Telegram ids from `firstTelegramId` on, in one statement
 * (100,000 take a few seconds on PostgreSQL).
 */
export async function insertManyRecipients(
  sql: Sql,
  options: { firstTelegramId: number; count: number },
): Promise<void> {
  await sql.query(
    `WITH customers AS (
       INSERT INTO "Customer" ("id", "status", "telegramId", "telegramFirstName", "telegramLanguage",
                               "name", "marketingConsent", "referralCode", "dataConsentAt", "updatedAt")
       SELECT gen_random_uuid(), 'ACTIVE', t, 'Гость', 'ru', NULL, true, 'r' || t,
              now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
       FROM generate_series($1::bigint, $1::bigint + $2::int - 1) AS t
       RETURNING "id", "telegramId"
     )
     INSERT INTO "LoyaltyCard" ("id", "number", "customerId", "balance")
     SELECT gen_random_uuid(), lpad("telegramId"::text, 12, '0'), "id", 100 FROM customers`,
    [options.firstTelegramId, options.count],
  );
}

export type CampaignSeed = {
  name?: string;
  message: Partial<MessageSpec> & Pick<MessageSpec, "text">;
  variants?: Array<{ key: string; share: number; text: MessageSpec["text"] }>;
  status?: "DRAFT" | "SCHEDULED" | "SENDING" | "PAUSED" | "SENT" | "CANCELLED";
  marketing?: boolean;
  photoFileId?: string | null;
};

export async function insertCampaign(sql: Sql, seed: CampaignSeed): Promise<string> {
  const message: MessageSpec = { buttons: [], photoUrl: null, parseMode: null, ...seed.message };
  const [row] = await sql.query<{ id: string }>(
    `INSERT INTO "Campaign" ("id", "name", "status", "marketing", "message", "variants",
                             "photoFileId", "startedAt", "updatedAt")
     VALUES (gen_random_uuid(), $1, $2::"CampaignStatus", $3, $4::jsonb, $5::jsonb, $6,
             now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
     RETURNING "id"`,
    [
      seed.name ?? "Test campaign",
      seed.status ?? "SENDING",
      seed.marketing ?? true,
      JSON.stringify(message),
      JSON.stringify(seed.variants ?? []),
      seed.photoFileId ?? null,
    ],
  );
  if (!row) throw new Error("no campaign inserted");
  return row.id;
}

/**
 * Delivery rows of a campaign: to the given customers, or to every customer with a Telegram
 * id (in a range). `variant` of a customer by their index, if the campaign has variants.
 * Returns how many rows were queued.
 */
export async function insertDeliveries(
  sql: Sql,
  options: {
    campaignId: string;
    customerIds?: string[];
    telegramIds?: { from: number; to: number };
    kind?: "campaign" | "campaign_test";
    marketing?: boolean;
    variants?: string[];
    notBefore?: Date;
  },
): Promise<number> {
  const kind = options.kind ?? "campaign";
  const rows = await sql.query<{ n: number }>(
    `WITH targets AS (
       SELECT c."id", ROW_NUMBER() OVER (ORDER BY c."telegramId") - 1 AS "index"
       FROM "Customer" c
       WHERE c."telegramId" IS NOT NULL
         AND ($2::uuid[] IS NULL OR c."id" = ANY($2::uuid[]))
         AND ($3::bigint IS NULL OR c."telegramId" BETWEEN $3 AND $4)
     ), variants AS (
       SELECT t."id", CASE WHEN cardinality($6::text[]) > 0
                           THEN ($6::text[])[1 + (t."index" % cardinality($6::text[]))::int]
                      END AS "variant"
       FROM targets t
     ), inserted AS (
       INSERT INTO "OutboxMessage" ("kind", "customerId", "payload", "service", "dedupeKey",
                                    "campaignId", "marketing", "variant", "notBefore", "createdAt")
       SELECT $5, v."id", jsonb_build_object('campaign', jsonb_build_object('variant', v."variant")),
              false, $5 || ':' || $1 || ':' || v."id", $1::uuid, $7, v."variant",
              $8::timestamp, $8::timestamp
       FROM variants v ORDER BY v."id"
       ON CONFLICT ("dedupeKey") DO NOTHING
       RETURNING 1
     ), counted AS (
       UPDATE "Campaign" SET "recipients" = "recipients" + (SELECT count(*) FROM inserted)
       WHERE "id" = $1::uuid AND $5 = 'campaign'
     )
     SELECT count(*)::int AS "n" FROM inserted`,
    [
      options.campaignId,
      options.customerIds ?? null,
      options.telegramIds?.from ?? null,
      options.telegramIds?.to ?? null,
      kind,
      options.variants ?? [],
      options.marketing ?? kind === "campaign",
      options.notBefore ?? new Date(),
    ],
  );
  return rows[0]?.n ?? 0;
}

/** A delete or edit of a delivery already sent (kind "campaign_change"). */
export async function insertMessageChange(
  sql: Sql,
  options: { deliveryId: bigint; change: "delete" | "edit" },
): Promise<void> {
  await sql.query(
    `INSERT INTO "OutboxMessage" ("kind", "customerId", "payload", "service", "dedupeKey",
                                  "campaignId", "variant", "notBefore", "createdAt")
     SELECT 'campaign_change', d."customerId",
            jsonb_build_object('change', $2::text, 'messageId', d."telegramMessageId",
                               'deliveryId', d."id"::text),
            true, 'campaign_change:' || $2 || ':' || d."id", d."campaignId", d."variant",
            now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
     FROM "OutboxMessage" d WHERE d."id" = $1`,
    [options.deliveryId, options.change],
  );
}
