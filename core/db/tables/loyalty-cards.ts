import type { LoyaltyCard } from "../client.ts";
import type { Sql } from "../sql.ts";

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

/** `k."id" AS "card.id", …` for a join that brings the card along with another row. */
export function cardSelectList(alias: string, prefix = "card."): string {
  return cardColumns.map((column) => `${alias}."${column}" AS "${prefix}${column}"`).join(", ");
}

/** The card from a joined row (null when the join found none). */
export function cardFromRow(row: Record<string, unknown>, prefix = "card."): LoyaltyCard | null {
  if (row[`${prefix}id`] == null) return null;
  const card: Record<string, unknown> = {};
  for (const column of cardColumns) card[column] = row[`${prefix}${column}`];
  return card as LoyaltyCard;
}

/**
 * Issues a card unless the customer already has one. Returns the new card, or null when one
 * existed (a double tap, a retry). A colliding number fails with a unique violation; the caller
 * draws another.
 */
export async function insertCardIfMissing(
  sql: Sql,
  card: { id: string; number: string; customerId: string; issuedAt: Date },
): Promise<LoyaltyCard | null> {
  const [row] = await sql.query<LoyaltyCard>(
    `INSERT INTO "LoyaltyCard" ("id", "number", "customerId", "issuedAt")
     VALUES ($1, $2, $3, $4)
     ON CONFLICT ("customerId") DO NOTHING
     RETURNING *`,
    [card.id, card.number, card.customerId, card.issuedAt],
  );
  return row ?? null;
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
