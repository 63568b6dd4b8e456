import type { Gender } from "../client.ts";
import type { Sql } from "../sql.ts";
import { dateParam, jsonParam } from "../sql-values.ts";

/** What an import needs to know of a customer already in the base with a phone of the file. */
export type ImportTarget = {
  id: string;
  phone: string;
  status: string;
  name: string | null;
  email: string | null;
  birthday: Date | null;
  city: string | null;
  gender: Gender | null;
  tags: string[];
  attributes: Record<string, unknown>;
  cardStatus: string | null;
};

export function selectImportTargets(sql: Sql, phones: string[]): Promise<ImportTarget[]> {
  return sql.query<ImportTarget>(
    `SELECT c."id", c."phone", c."status", c."name", c."email", c."birthday", c."city",
            c."gender", c."tags", c."attributes", k."status" AS "cardStatus"
     FROM "Customer" c LEFT JOIN "LoyaltyCard" k ON k."customerId" = c."id"
     WHERE c."phone" = ANY($1::text[])`,
    [phones],
  );
}

export async function selectTakenCardNumbers(sql: Sql, numbers: string[]): Promise<Set<string>> {
  if (numbers.length === 0) return new Set();
  const rows = await sql.query<{ number: string }>(
    `SELECT "number" FROM "LoyaltyCard" WHERE "number" = ANY($1::text[])`,
    [numbers],
  );
  return new Set(rows.map((row) => row.number));
}

/** Which of these referral codes and card numbers the base already holds. */
export async function selectTakenCodes(
  sql: Sql,
  codes: { referralCodes: string[]; cardNumbers: string[] },
): Promise<{ referralCodes: Set<string>; cardNumbers: Set<string> }> {
  const rows = await sql.query<{ kind: string; value: string }>(
    `SELECT 'referral' AS "kind", "referralCode" AS "value" FROM "Customer"
     WHERE "referralCode" = ANY($1::text[])
     UNION ALL
     SELECT 'card', "number" FROM "LoyaltyCard" WHERE "number" = ANY($2::text[])`,
    [codes.referralCodes, codes.cardNumbers],
  );
  const pick = (kind: string) =>
    new Set(rows.filter((row) => row.kind === kind).map((row) => row.value));
  return { referralCodes: pick("referral"), cardNumbers: pick("card") };
}

export type NewImportedCustomer = {
  id: string;
  phone: string;
  name: string | null;
  email: string | null;
  birthday: Date | null;
  city: string | null;
  gender: Gender | null;
  tags: string[];
  attributes: Record<string, unknown>;
  marketingConsent: boolean;
  referralCode: string;
  cardId: string;
  cardNumber: string;
  balance: number;
};

/**
 * Creates a batch of imported customers in one statement: ACTIVE without Telegram, each with a
 * card carrying the opening balance, that balance's ledger entry and a timeline event. A
 * phone taken meanwhile skips its customer (and card); the ids created are returned.
 */
export async function insertImportedCustomers(
  sql: Sql,
  rows: NewImportedCustomer[],
  options: {
    source: string;
    consentVersion: string;
    staffId: string | null;
    eventType: string;
    cardEventType: string;
    eventData: Record<string, unknown>;
    ledgerKeyPrefix: string;
    note: string;
    at: Date;
  },
): Promise<string[]> {
  if (rows.length === 0) return [];
  const created = await sql.query<{ id: string }>(
    `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[],
         $7::text[], $8::text[], $9::text[], $10::boolean[], $11::text[], $12::uuid[], $13::text[],
         $14::int[])
         AS t("id", "phone", "name", "email", "birthday", "city", "gender", "tags", "attributes",
              "marketing", "referralCode", "cardId", "cardNumber", "balance")
     ), customers AS (
       INSERT INTO "Customer"
         ("id", "status", "phone", "name", "email", "birthday", "birthMonth", "birthDay", "city",
          "gender", "tags", "attributes", "marketingConsent", "marketingConsentAt",
          "marketingConsentVersion", "referralCode", "source", "dataConsentAt",
          "dataConsentVersion", "onboardedAt", "createdAt", "updatedAt", "lastSeenAt")
       SELECT "id", 'ACTIVE', "phone", "name", "email", "birthday",
              EXTRACT(MONTH FROM "birthday")::smallint, EXTRACT(DAY FROM "birthday")::smallint,
              "city", "gender"::"Gender", ARRAY(SELECT jsonb_array_elements_text("tags"::jsonb)),
              "attributes"::jsonb, "marketing", CASE WHEN "marketing" THEN $16::timestamp END,
              CASE WHEN "marketing" THEN $17 END, "referralCode", $15, $16, $17, $16, $16, $16, $16
       FROM input
       ON CONFLICT DO NOTHING
       RETURNING "id"
     ), cards AS (
       INSERT INTO "LoyaltyCard" ("id", "number", "customerId", "balance", "issuedAt")
       SELECT i."cardId", i."cardNumber", i."id", i."balance", $16
       FROM input i JOIN customers c ON c."id" = i."id"
       RETURNING "id", "customerId", "balance"
     ), entries AS (
       INSERT INTO "PointsEntry"
         ("cardId", "customerId", "kind", "delta", "balanceAfter", "idempotencyKey", "staffId",
          "note", "createdAt")
       SELECT "id", "customerId", 'ADJUSTMENT', "balance", "balance", $20 || "customerId", $18::uuid,
              $21, $16
       FROM cards WHERE "balance" > 0
     ), events AS (
       INSERT INTO "CustomerEvent" ("customerId", "type", "data", "staffId", "createdAt")
       SELECT "id", $19, $22::jsonb, $18::uuid, $16 FROM customers
       UNION ALL
       SELECT "customerId", $23, '{}'::jsonb, $18::uuid, $16 FROM cards
     )
     SELECT "id" FROM customers`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.phone),
      rows.map((r) => r.name),
      rows.map((r) => r.email),
      rows.map((r) => (r.birthday ? dateParam(r.birthday) : null)),
      rows.map((r) => r.city),
      rows.map((r) => r.gender),
      rows.map((r) => jsonParam(r.tags)),
      rows.map((r) => jsonParam(r.attributes)),
      rows.map((r) => r.marketingConsent),
      rows.map((r) => r.referralCode),
      rows.map((r) => r.cardId),
      rows.map((r) => r.cardNumber),
      rows.map((r) => r.balance),
      options.source,
      options.at,
      options.consentVersion,
      options.staffId,
      options.eventType,
      options.ledgerKeyPrefix,
      options.note,
      jsonParam(options.eventData),
      options.cardEventType,
    ],
  );
  return created.map((row) => row.id);
}

export type ImportGapFill = {
  id: string;
  name: string | null;
  email: string | null;
  birthday: Date | null;
  city: string | null;
  gender: Gender | null;
  tags: string[];
  attributes: Record<string, unknown>;
};

/**
 * Fills the gaps of customers already in the base: a field they have (told the bot, or
 * given earlier) is kept even if it was written a moment ago, since COALESCE reads the row as
 * it is when updated; tags are added to theirs; attributes they answered stay theirs.
 */
export async function fillImportGaps(sql: Sql, rows: ImportGapFill[], at: Date): Promise<void> {
  if (rows.length === 0) return;
  await sql.query(
    `UPDATE "Customer" c SET
       "name" = COALESCE(c."name", t."name"),
       "email" = COALESCE(c."email", t."email"),
       "birthday" = COALESCE(c."birthday", t."birthday"),
       "birthMonth" = COALESCE(c."birthMonth", EXTRACT(MONTH FROM t."birthday")::smallint),
       "birthDay" = COALESCE(c."birthDay", EXTRACT(DAY FROM t."birthday")::smallint),
       "city" = COALESCE(c."city", t."city"),
       "gender" = COALESCE(c."gender", t."gender"::"Gender"),
       "tags" = ARRAY(SELECT DISTINCT x FROM unnest(c."tags" ||
                  ARRAY(SELECT jsonb_array_elements_text(t."tags"::jsonb))) AS x),
       "attributes" = t."attributes"::jsonb || c."attributes",
       "updatedAt" = $9
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[], $5::text[], $6::text[],
                 $7::text[], $8::text[])
       AS t("id", "name", "email", "birthday", "city", "gender", "tags", "attributes")
     WHERE c."id" = t."id"`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.name),
      rows.map((r) => r.email),
      rows.map((r) => (r.birthday ? dateParam(r.birthday) : null)),
      rows.map((r) => r.city),
      rows.map((r) => r.gender),
      rows.map((r) => jsonParam(r.tags)),
      rows.map((r) => jsonParam(r.attributes)),
      at,
    ],
  );
}
