import type { EventType } from "../../events.ts";
import type { Customer, LoyaltyCard } from "../client.ts";
import type { Sql } from "../sql.ts";
import { outboxFrom } from "./outbox-messages.ts";

/** "LoyaltyCard": one card per customer; `balance` is the ledger's running sum. */

/** Every column, in one place: joins select them under a prefix and rebuild the card. */
export const cardColumns = [
  "id",
  "number",
  "customerId",
  "status",
  "balance",
  "issuedAt",
  "qrFileId",
  "qrLink",
] as const satisfies ReadonlyArray<keyof LoyaltyCard>;

/**
 * `k."id" AS "card.id", …` for a join that brings the card along with another row; `source`
 * is the table alias, or an expression per column.
 */
export function cardSelectList(
  source: string | ((column: string) => string),
  prefix = "card.",
): string {
  const expression =
    typeof source === "string" ? (column: string) => `${source}."${column}"` : source;
  return cardColumns.map((column) => `${expression(column)} AS "${prefix}${column}"`).join(", ");
}

/** The card from a joined row (null when the join found none). */
export function cardFromRow(row: Record<string, unknown>, prefix = "card."): LoyaltyCard | null {
  if (row[`${prefix}id`] == null) return null;
  const card: Record<string, unknown> = {};
  for (const column of cardColumns) card[column] = row[`${prefix}${column}`];
  return card as LoyaltyCard;
}

export async function findCardById(sql: Sql, id: string): Promise<LoyaltyCard | null> {
  const [row] = await sql.query<LoyaltyCard>(`SELECT * FROM "LoyaltyCard" WHERE "id" = $1`, [id]);
  return row ?? null;
}

export async function findCardByCustomer(
  sql: Sql,
  customerId: string,
): Promise<LoyaltyCard | null> {
  const [row] = await sql.query<LoyaltyCard>(
    `SELECT * FROM "LoyaltyCard" WHERE "customerId" = $1`,
    [customerId],
  );
  return row ?? null;
}

/**
 * The customer's active card, locked until the transaction ends: spending that checks more
 * than the balance (pending points, limits) sees what the previous spend left.
 */
export async function lockActiveCardOfCustomer(
  tx: Sql,
  customerId: string,
): Promise<LoyaltyCard | null> {
  const [row] = await tx.query<LoyaltyCard>(
    `SELECT * FROM "LoyaltyCard" WHERE "customerId" = $1::uuid AND "status" = 'ACTIVE' FOR UPDATE`,
    [customerId],
  );
  return row ?? null;
}

/** Remembers how Telegram stores the card's QR picture, for the link it encodes. */
export async function setCardQrPhoto(
  sql: Sql,
  options: { cardId: string; fileId: string; link: string },
): Promise<void> {
  await sql.query(`UPDATE "LoyaltyCard" SET "qrFileId" = $2, "qrLink" = $3 WHERE "id" = $1`, [
    options.cardId,
    options.fileId,
    options.link,
  ]);
}

/** How to reach a customer in Telegram and in which language. */
export type CustomerContact = {
  id: string;
  telegramId: bigint | null;
  language: string | null;
  telegramLanguage: string | null;
  reachable: boolean;
};

export type CardIssue = {
  customer: Customer;
  /**
   * Null only when another call issued the card at the same moment: this statement waited for
   * it but could not see it yet. Calling again returns it.
   */
  card: LoyaltyCard | null;
  /** The card was created by this statement (not found from an earlier call). */
  issued: boolean;
  welcomeCredited: number;
  /** The referrer, when this statement credited their bonus. */
  referrerCredited: CustomerContact | null;
};

/**
 * Completes onboarding in one statement, so it needs no transaction around it: makes the
 * customer ACTIVE (only with consent to data processing), issues their card, credits the
 * welcome bonus on it and the referral bonus on the referrer's active card (ledger entries
 * with their balances, and the cards' balances, as postLedgerEntry records them), writes the
 * timeline events and queues the message that tells the referrer. Only the statement that creates the card credits anything, so a repeat
 * (a double tap, a retry) returns the existing card and credits nothing; the ledger's unique
 * idempotency keys back that up. Returns null when there is no such customer or no consent.
 * A colliding card number fails with a unique violation: draw another and call again.
 */
export async function activateAndIssueCard(
  sql: Sql,
  options: {
    customerId: string;
    card: { id: string; number: string };
    welcome: { points: number; idempotencyKey: string };
    referral: {
      points: number;
      idempotencyKey: string;
      note: string;
      /** The referrer hears about it through the outbox, queued by this same statement. */
      notice: { kind: string; template: string; dedupeKey: string };
    };
    events: { cardIssued: EventType; pointsCredited: EventType; referralCredited: EventType };
    at: Date;
  },
): Promise<CardIssue | null> {
  const [row] = await sql.query<Record<string, unknown>>(
    `WITH activated AS (
       UPDATE "Customer"
       SET "status" = 'ACTIVE', "onboardedAt" = COALESCE("onboardedAt", $4), "updatedAt" = $4
       WHERE "id" = $1 AND "dataConsentAt" IS NOT NULL
       RETURNING *
     ), issued AS (
       INSERT INTO "LoyaltyCard" ("id", "number", "customerId", "issuedAt", "balance")
       SELECT $2, $3, "id", $4, GREATEST($5::int, 0) FROM activated
       ON CONFLICT ("customerId") DO NOTHING
       RETURNING *
     ), welcome AS (
       INSERT INTO "PointsEntry"
         ("cardId", "customerId", "kind", "delta", "balanceAfter", "idempotencyKey", "createdAt")
       SELECT "id", "customerId", 'WELCOME', "balance", "balance", $6, $4
       FROM issued WHERE "balance" > 0
       RETURNING "customerId", "delta"
     ), referral AS (
       UPDATE "LoyaltyCard" k SET "balance" = k."balance" + $7
       FROM activated a
       WHERE $7::int > 0 AND EXISTS (SELECT 1 FROM issued)
         AND k."customerId" = a."referrerId" AND a."referrerId" <> a."id"
         AND k."status" = 'ACTIVE'
       RETURNING k."id", k."customerId", k."balance"
     ), referral_entry AS (
       INSERT INTO "PointsEntry"
         ("cardId", "customerId", "kind", "delta", "balanceAfter", "idempotencyKey", "note",
          "createdAt")
       SELECT "id", "customerId", 'REFERRAL', $7, "balance", $8, $9, $4 FROM referral
       RETURNING "customerId", "delta"
     ), events AS (
       INSERT INTO "CustomerEvent" ("customerId", "type", "data", "createdAt")
       SELECT "customerId", $10, jsonb_build_object('cardNumber', "number"), $4 FROM issued
       UNION ALL
       SELECT "customerId", $11, jsonb_build_object('kind', 'WELCOME', 'points', "delta"), $4
       FROM welcome
       UNION ALL
       SELECT "customerId", $12, jsonb_build_object('points', "delta", 'referredCustomerId', $1::text), $4
       FROM referral_entry
     ), notices AS (
       SELECT "customerId", $15::text AS "dedupeKey",
              jsonb_build_object('template', $14::text, 'vars', jsonb_build_object('count', "delta"))
                AS "payload"
       FROM referral_entry
     ), notice AS (
       ${outboxFrom("notices", { kind: "$13", service: "false", at: "$4" })}
     )
     SELECT a.*, ${cardSelectList((column) => `COALESCE(i."${column}", k."${column}")`)},
            (i."id" IS NOT NULL) AS "x.issued", COALESCE(w."delta", 0) AS "x.welcome",
            r."id" AS "referrer.id", r."telegramId" AS "referrer.telegramId",
            r."language" AS "referrer.language",
            r."telegramLanguage" AS "referrer.telegramLanguage",
            r."reachable" AS "referrer.reachable"
     FROM activated a
     LEFT JOIN issued i ON true
     LEFT JOIN "LoyaltyCard" k ON k."customerId" = a."id"
     LEFT JOIN welcome w ON true
     LEFT JOIN referral_entry re ON true
     LEFT JOIN "Customer" r ON r."id" = re."customerId"`,
    [
      options.customerId,
      options.card.id,
      options.card.number,
      options.at,
      options.welcome.points,
      options.welcome.idempotencyKey,
      options.referral.points,
      options.referral.idempotencyKey,
      options.referral.note,
      options.events.cardIssued,
      options.events.pointsCredited,
      options.events.referralCredited,
      options.referral.notice.kind,
      options.referral.notice.template,
      options.referral.notice.dedupeKey,
    ],
  );
  if (!row) return null;
  const customer: Record<string, unknown> = {};
  const referrer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith("referrer.")) referrer[key.slice("referrer.".length)] = value;
    else if (!key.includes(".")) customer[key] = value;
  }
  return {
    customer: customer as Customer,
    card: cardFromRow(row),
    issued: row["x.issued"] === true,
    welcomeCredited: Number(row["x.welcome"]),
    referrerCredited: referrer.id ? (referrer as CustomerContact) : null,
  };
}
