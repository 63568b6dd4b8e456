import { randomUUID } from "node:crypto";
import { AuditAction, recordAudit } from "../access/audit.ts";
import {
  type Actor,
  Permission,
  requireNotOwnCard,
  requirePermission,
} from "../access/permissions.ts";
import type { Customer, LoyaltyCard, Purchase, PurchaseRefund } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { insertEvents } from "../db/tables/customer-events.ts";
import {
  insertRefund,
  lockCustomerWithCard,
  lockPurchase,
  recomputeMetrics,
  selectPurchase,
  selectRefundablePurchases,
  selectRefundByKey,
  setTier,
} from "../db/tables/purchases.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { enqueueMessage } from "../outbox/enqueue.ts";
import { OutboxKind } from "../outbox/message.ts";
import { postLedgerEntry } from "./ledger.ts";
import type { LoyaltySettings } from "./settings.ts";
import { tierForSpend, tierRank, tierWindowStart } from "./tiers.ts";

/**
 * The points a refund moves, as a share of the purchase. Cumulative, so partial refunds add up
 * exactly to a whole one: after refunds totalling R of an amount A, floor(earned × R / A) earned
 * points have been taken back and floor(spent × R / A) spent points given back (all of them once
 * R = A). Each refund moves the difference from what earlier refunds moved.
 */
export function refundShares(
  purchase: Pick<
    Purchase,
    "amountMinor" | "refundedMinor" | "pointsEarned" | "pointsSpent" | "pointsEarnedReversed"
  > & { pointsSpentReturned: number },
  amountMinor: bigint,
): { earnedToReverse: number; spentToReturn: number } {
  const refunded = purchase.refundedMinor + amountMinor;
  const share = (points: number) =>
    refunded === purchase.amountMinor
      ? points
      : Number((BigInt(points) * refunded) / purchase.amountMinor);
  return {
    earnedToReverse: share(purchase.pointsEarned) - purchase.pointsEarnedReversed,
    spentToReturn: share(purchase.pointsSpent) - purchase.pointsSpentReturned,
  };
}

export type RefundResult = {
  refund: PurchaseRefund;
  duplicate: boolean;
  balance: number;
  /** What is left of the purchase to refund. */
  remainingMinor: bigint;
  tierDown: { from: string; to: string } | null;
};

/**
 * Refunds a purchase, whole (`amountMinor` null: what is left of it) or in part. Gives back the
 * points spent on it and takes back the points it earned, in proportion; what the customer has
 * already spent of the earned points is not taken (the balance never goes negative) and is
 * recorded on the refund as unrecovered (README, Refunds). Never more than the purchase in
 * total; the idempotency key makes a retried refund count once. The metrics are recomputed from
 * the purchases, and the tier this purchase brought is taken back if the spend left no longer
 * reaches it.
 */
export async function refundPurchase(
  sql: Sql,
  settings: LoyaltySettings,
  request: {
    actor: Actor;
    purchaseId: string;
    amountMinor: bigint | null;
    idempotencyKey: string;
    note?: string | null;
    now?: Date;
  },
): Promise<RefundResult> {
  const { actor } = request;
  requirePermission(actor, Permission.refundPurchase);
  const now = request.now ?? new Date();
  const known = await selectPurchase(sql, request.purchaseId);
  if (!known) throw new AppError("not_found", "Purchase not found");
  requireNotOwnCard(actor, known.customerId);

  return sql.transaction(async (tx) => {
    // The customer first, as recordPurchase locks: the same order, so no deadlock between them.
    const found = (await lockCustomerWithCard(tx, known.customerId)) as {
      customer: Customer;
      card: LoyaltyCard;
    } | null;
    const earlier = await selectRefundByKey(tx, request.idempotencyKey);
    const purchase = await lockPurchase(tx, known.id);
    if (!found || !purchase) throw new AppError("not_found", "Purchase not found");
    const remaining = purchase.amountMinor - purchase.refundedMinor;
    if (earlier) {
      if (earlier.purchaseId !== purchase.id) {
        throw new AppError("conflict", "This idempotency key belongs to another refund", {
          field: "idempotencyKey",
        });
      }
      return {
        refund: earlier,
        duplicate: true,
        balance: found.card.balance,
        remainingMinor: remaining,
        tierDown: null,
      };
    }
    if (remaining === 0n) {
      throw new AppError("conflict", "This purchase has been refunded in full already", {
        reason: "already_refunded",
      });
    }
    const amount = request.amountMinor ?? remaining;
    if (amount <= 0n) {
      throw new AppError("invalid_input", "The refund must be more than zero", {
        field: "amountMinor",
      });
    }
    if (amount > remaining) {
      throw new AppError(
        "invalid_input",
        "The refund is larger than what is left of the purchase",
        {
          field: "amountMinor",
          reason: "exceeds_remaining",
          remainingMinor: remaining.toString(),
        },
      );
    }

    const { earnedToReverse, spentToReturn } = refundShares(purchase, amount);
    const refundId = randomUUID();
    let balance = found.card.balance;
    const post = (delta: number, suffix: string) =>
      postLedgerEntry(tx, {
        card: { id: found.card.id },
        kind: "REVERSAL",
        delta,
        idempotencyKey: `refund:${refundId}:${suffix}`,
        purchaseId: purchase.id,
        ...(actor.staffId ? { staffId: actor.staffId } : {}),
        now,
      });
    // Spent points come back first, so they can cover the earned points being taken back.
    if (spentToReturn > 0) balance = (await post(spentToReturn, "return")).entry.balanceAfter;
    const taken = Math.min(earnedToReverse, balance);
    if (taken > 0) balance = (await post(-taken, "reverse")).entry.balanceAfter;

    const refund = await insertRefund(tx, {
      id: refundId,
      purchaseId: purchase.id,
      customerId: purchase.customerId,
      amountMinor: amount,
      pointsEarnedReversed: taken,
      pointsSpentReturned: spentToReturn,
      pointsUnrecovered: earnedToReverse - taken,
      staffId: actor.staffId,
      idempotencyKey: request.idempotencyKey,
      note: request.note ?? null,
      createdAt: now,
    });
    if (!refund) throw new AppError("conflict", "The refund is being recorded; try again");

    const after = await recomputeMetrics(tx, {
      customerId: purchase.customerId,
      at: now,
      tierWindowStart: tierWindowStart(settings, now),
    });
    const tierDown = await takeBackTier(tx, settings, {
      customer: found.customer,
      purchase,
      spendMinor: after.tierSpendMinor,
      now,
    });

    await enqueueMessage(tx, {
      kind: OutboxKind.refundReceipt,
      customerId: purchase.customerId,
      payload: {
        template: "receipt-refund",
        vars: { returned: spentToReturn, taken, balance },
        money: { currency: purchase.currency, amounts: { amount: amount.toString() } },
      },
      service: true,
      dedupeKey: `refund:${refund.id}`,
      now,
    });
    const data = {
      purchaseId: purchase.id,
      refundId: refund.id,
      amountMinor: amount.toString(),
      pointsSpentReturned: spentToReturn,
      pointsEarnedReversed: taken,
      pointsUnrecovered: earnedToReverse - taken,
    };
    await recordAudit(tx, {
      actor,
      action: AuditAction.purchaseRefunded,
      customerId: purchase.customerId,
      data: { ...data, ...(tierDown ? { tierDown } : {}) },
      now,
    });
    await insertEvents(
      tx,
      [
        {
          customerId: purchase.customerId,
          type: EventType.purchaseRefunded,
          data,
          staffId: actor.staffId,
        },
        ...(tierDown
          ? [{ customerId: purchase.customerId, type: EventType.tierChanged, data: tierDown }]
          : []),
      ],
      now,
    );
    return { refund, duplicate: false, balance, remainingMinor: remaining - amount, tierDown };
  });
}

/**
 * If this purchase lifted the customer's tier (they reached it at the purchase's moment) and the
 * spend left no longer reaches it, the tier goes back: to what the spend still reaches, never
 * below the tier they had before the purchase.
 */
async function takeBackTier(
  tx: Sql,
  settings: LoyaltySettings,
  options: { customer: Customer; purchase: Purchase; spendMinor: bigint; now: Date },
): Promise<{ from: string; to: string } | null> {
  const { customer, purchase } = options;
  const rule = purchase.earnRule as { tierBefore?: string; tierReachedAtBefore?: string | null };
  if (!rule.tierBefore || customer.tier === rule.tierBefore) return null;
  if (customer.tierReachedAt?.getTime() !== purchase.createdAt.getTime()) return null;
  const reached = tierForSpend(settings, options.spendMinor);
  if (tierRank(settings, reached) >= tierRank(settings, customer.tier)) return null;
  const back =
    tierRank(settings, reached) > tierRank(settings, rule.tierBefore) ? reached : rule.tierBefore;
  await setTier(tx, {
    customerId: customer.id,
    tier: back,
    reachedAt:
      back === rule.tierBefore
        ? rule.tierReachedAtBefore
          ? new Date(rule.tierReachedAtBefore)
          : null
        : purchase.createdAt,
    at: options.now,
  });
  return { from: customer.tier, to: back };
}

/** The customer's latest purchases that can still be refunded (what staff pick from). */
export async function refundablePurchases(
  sql: Sql,
  actor: Actor,
  customerId: string,
  limit = 6,
): Promise<Purchase[]> {
  requirePermission(actor, Permission.refundPurchase);
  requireNotOwnCard(actor, customerId);
  return selectRefundablePurchases(sql, customerId, limit);
}
