import type { PointsEntry, PointsKind, Prisma } from "../db/client.ts";
import { AppError } from "../errors.ts";

export type PostEntryOptions = {
  cardId: string;
  customerId: string;
  kind: PointsKind;
  /** Positive to credit, negative to debit; never zero. */
  delta: number;
  /** The same key twice is the same operation: it is recorded once and returned again. */
  idempotencyKey: string;
  purchaseId?: string;
  staffId?: string;
  note?: string;
};

export type PostEntryResult = { entry: PointsEntry; duplicate: boolean };

/**
 * Appends one entry to the points ledger and moves the card balance in the same transaction.
 * The caller owns the transaction (a Prisma.TransactionClient cannot open its own).
 *
 * The balance update is conditional (balance + delta >= 0), so two debits racing for the
 * same points cannot both pass; a CHECK constraint backs this up in the database.
 */
export async function postLedgerEntry(
  tx: Prisma.TransactionClient,
  options: PostEntryOptions,
): Promise<PostEntryResult> {
  if (!Number.isInteger(options.delta) || options.delta === 0) {
    throw new AppError("invalid_input", "Points must be a non-zero whole number");
  }
  const existing = await tx.pointsEntry.findUnique({
    where: { idempotencyKey: options.idempotencyKey },
  });
  if (existing) return { entry: existing, duplicate: true };

  // One statement both checks and moves the balance, and returns the new one.
  const [card] = await tx.loyaltyCard.updateManyAndReturn({
    where: { id: options.cardId, balance: { gte: -options.delta } },
    data: { balance: { increment: options.delta } },
    select: { balance: true },
  });
  if (!card) {
    const existingCard = await tx.loyaltyCard.findUnique({ where: { id: options.cardId } });
    if (!existingCard) throw new AppError("not_found", "Card not found");
    throw new AppError("insufficient_points", "Not enough points on the card", {
      balance: existingCard.balance,
      requested: -options.delta,
    });
  }
  const entry = await tx.pointsEntry.create({
    data: {
      cardId: options.cardId,
      customerId: options.customerId,
      kind: options.kind,
      delta: options.delta,
      balanceAfter: card.balance,
      idempotencyKey: options.idempotencyKey,
      purchaseId: options.purchaseId ?? null,
      staffId: options.staffId ?? null,
      note: options.note ?? null,
    },
  });
  return { entry, duplicate: false };
}
