import type { PointsEntry, PointsKind } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { findCardByCustomer, findCardById } from "../db/tables/loyalty-cards.ts";
import { findEntryByKey, insertEntryMovingBalance } from "../db/tables/points-entries.ts";
import { AppError } from "../errors.ts";
import { emitWebhookEvent } from "../webhooks/emit.ts";
import { WebhookEvent } from "../webhooks/events.ts";

export type PostEntryOptions = {
  /** The card by id, or "the customer's active card" (no entry when there is none). */
  card: { id: string } | { activeCardOfCustomer: string };
  kind: PointsKind;
  /** Positive to credit, negative to debit; never zero. */
  delta: number;
  /** The same key twice is the same operation: it is recorded once and returned again. */
  idempotencyKey: string;
  purchaseId?: string;
  staffId?: string;
  note?: string;
  now?: Date;
  /**
   * False when the caller sends the points.changed webhook itself, together with its own event
   * in one statement (a purchase).
   */
  emitWebhook?: boolean;
};

export type PostEntryResult = { entry: PointsEntry; duplicate: boolean };

/**
 * Appends one entry to the points ledger and moves the card balance with it, in one statement
 * that both checks and moves the balance (balance + delta >= 0), so two debits racing for the
 * same points cannot both pass; a CHECK constraint backs this up in the database. Composes
 * into a caller's transaction. A concurrent post of the same key fails with a unique
 * violation; the caller retries its transaction and then gets the entry as a duplicate.
 */
export async function postLedgerEntry(
  sql: Sql,
  options: PostEntryOptions,
): Promise<PostEntryResult> {
  if (!Number.isInteger(options.delta) || options.delta === 0) {
    throw new AppError("invalid_input", "Points must be a non-zero whole number");
  }
  const entry = await insertEntryMovingBalance(sql, {
    card: options.card,
    kind: options.kind,
    delta: options.delta,
    idempotencyKey: options.idempotencyKey,
    purchaseId: options.purchaseId ?? null,
    staffId: options.staffId ?? null,
    note: options.note ?? null,
    at: options.now ?? new Date(),
  });
  if (entry) {
    if (options.emitWebhook !== false) {
      await emitWebhookEvent(sql, pointsChangedEvent(entry, options.now));
    }
    return { entry, duplicate: false };
  }

  // Nothing moved: find out why (the rare path, so the usual one stays one statement).
  const existing = await findEntryByKey(sql, options.idempotencyKey);
  if (existing) return { entry: existing, duplicate: true };
  const card =
    "id" in options.card
      ? await findCardById(sql, options.card.id)
      : await findCardByCustomer(sql, options.card.activeCardOfCustomer);
  if (!card || ("activeCardOfCustomer" in options.card && card.status !== "ACTIVE")) {
    throw new AppError("not_found", "Card not found");
  }
  throw new AppError("insufficient_points", "Not enough points on the card", {
    balance: card.balance,
    requested: -options.delta,
  });
}

/** The points.changed webhook of a ledger entry (keyed by the entry: sent once). */
export function pointsChangedEvent(entry: PointsEntry, now?: Date) {
  return {
    event: WebhookEvent.pointsChanged,
    dedupeKey: `entry:${entry.id}`,
    data: {
      customerId: entry.customerId,
      cardId: entry.cardId,
      entryId: String(entry.id),
      kind: entry.kind,
      delta: entry.delta,
      balance: entry.balanceAfter,
      purchaseId: entry.purchaseId,
      note: entry.note,
      at: entry.createdAt.toISOString(),
    },
    ...(now ? { now } : {}),
  };
}
