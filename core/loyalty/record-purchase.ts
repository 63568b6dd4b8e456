import { randomUUID } from "node:crypto";
import { AuditAction, recordAudit } from "../access/audit.ts";
import {
  type Actor,
  Permission,
  requireNotOwnCard,
  requirePermission,
} from "../access/permissions.ts";
import type { Customer, LoyaltyCard, Purchase } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { insertEvents } from "../db/tables/customer-events.ts";
import { selectCustomerForStaff } from "../db/tables/customers.ts";
import {
  addPurchaseToMetrics,
  insertPurchase,
  lockCustomerWithCard,
  selectPurchaseByKey,
} from "../db/tables/purchases.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { enqueueMessage } from "../outbox/enqueue.ts";
import { OutboxKind } from "../outbox/message.ts";
import { emitWebhookEvents, type WebhookEmission } from "../webhooks/emit.ts";
import { WebhookEvent } from "../webhooks/events.ts";
import { type PurchaseQuote, quotePurchase } from "./earning.ts";
import { pointsChangedEvent, postLedgerEntry } from "./ledger.ts";
import { checkAmount } from "./money.ts";
import { spendablePoints } from "./pending.ts";
import type { LoyaltySettings } from "./settings.ts";
import { tierLadder, tierWindowStart } from "./tiers.ts";

export type PurchaseRequest = {
  customerId: string;
  amountMinor: bigint;
  category: string | null;
  pointsToSpend: number;
};

export type PurchasePreview = PurchaseQuote & { balance: number; spendable: number };

/** Loads the customer's card and what may be spent, for a quote; throws when there is no card. */
async function spendableFor(
  sql: Sql,
  settings: LoyaltySettings,
  found: { customer: Customer; card: LoyaltyCard } | null,
  now: Date,
) {
  if (!found || found.customer.status === "DELETED") {
    throw new AppError("not_found", "Customer not found");
  }
  if (found.card.status !== "ACTIVE") {
    throw new AppError("conflict", "The customer's card is not active", {
      reason: "card_inactive",
    });
  }
  return spendablePoints(sql, settings, found.card, now);
}

/** What a purchase would come to now, without recording anything (the bot's preview). */
export async function previewPurchase(
  sql: Sql,
  settings: LoyaltySettings,
  request: PurchaseRequest & { actor: Actor; now?: Date },
): Promise<PurchasePreview> {
  requirePermission(request.actor, Permission.recordPurchase);
  requireNotOwnCard(request.actor, request.customerId);
  checkAmount(settings, request.amountMinor);
  const now = request.now ?? new Date();
  // A plain read, no lock: the preview records nothing, and recordPurchase checks it all again.
  const found = await selectCustomerForStaff(sql, { id: request.customerId });
  const row = found?.card ? { customer: found.customer, card: found.card } : null;
  const spendable = await spendableFor(sql, settings, row, now);
  const { customer, card } = row as { customer: Customer; card: LoyaltyCard };
  const quote = quotePurchase(settings, {
    amountMinor: request.amountMinor,
    tier: customer.tier,
    category: request.category,
    pointsToSpend: request.pointsToSpend,
    spendable,
  });
  return { ...quote, balance: card.balance, spendable };
}

export type RecordedPurchase = {
  purchase: Purchase;
  /** True when this key was recorded before: nothing new happened. */
  duplicate: boolean;
  balance: number;
  /** The tier the purchase lifted the customer to, if it did. */
  tierUp: { from: string; to: string } | null;
};

/**
 * Records a purchase as one unit: the purchase, the points spent and earned, the customer's
 * metrics and tier, the audit row, the timeline event and the customer's receipt (outbox).
 * Takes the client or an open transaction. The idempotency key makes a retried or double-tapped
 * confirmation count once: the second call returns the first purchase with `duplicate: true`.
 *
 * The customer and card rows are locked first, so two staff recording purchases for the same
 * customer at once are serialised and the second sees the balance the first left.
 */
export async function recordPurchase(
  sql: Sql,
  settings: LoyaltySettings,
  request: PurchaseRequest & {
    actor: Actor;
    idempotencyKey: string;
    note?: string | null;
    now?: Date;
  },
): Promise<RecordedPurchase> {
  const { actor } = request;
  requirePermission(actor, Permission.recordPurchase);
  requireNotOwnCard(actor, request.customerId);
  checkAmount(settings, request.amountMinor);
  const now = request.now ?? new Date();

  return sql.transaction(async (tx) => {
    const found = await lockCustomerWithCard(tx, request.customerId);
    // After the lock: a concurrent call with the same key has committed by now.
    const earlier = await selectPurchaseByKey(tx, request.idempotencyKey);
    if (earlier) return duplicateOf(earlier, request.customerId, found?.card.balance ?? 0);
    const spendable = await spendableFor(tx, settings, found, now);
    const { customer, card } = found as { customer: Customer; card: LoyaltyCard };

    const quote = quotePurchase(settings, {
      amountMinor: request.amountMinor,
      tier: customer.tier,
      category: request.category,
      pointsToSpend: request.pointsToSpend,
      spendable,
    });
    const purchase = await insertPurchase(tx, {
      id: randomUUID(),
      customerId: customer.id,
      cardId: card.id,
      amountMinor: quote.amountMinor,
      currency: settings.currency,
      staffId: actor.staffId,
      idempotencyKey: request.idempotencyKey,
      note: request.note ?? null,
      createdAt: now,
      category: quote.rule.category,
      pointsSpent: quote.pointsSpent,
      pointsEarned: quote.pointsEarned,
      earnRule: {
        ...quote.rule,
        tierBefore: customer.tier,
        tierReachedAtBefore: customer.tierReachedAt?.toISOString() ?? null,
      },
    });
    if (!purchase) throw new AppError("conflict", "The purchase is being recorded; try again");

    let balance = card.balance;
    // The purchase and the points it moved reach webhooks in one statement, at the end.
    const webhooks: WebhookEmission[] = [];
    const entry = async (kind: "REDEEM" | "PURCHASE", delta: number, suffix: string) => {
      const posted = await postLedgerEntry(tx, {
        card: { id: card.id },
        kind,
        delta,
        idempotencyKey: `purchase:${purchase.id}:${suffix}`,
        purchaseId: purchase.id,
        ...(actor.staffId ? { staffId: actor.staffId } : {}),
        now,
        emitWebhook: false,
      });
      if (!posted.duplicate) webhooks.push(pointsChangedEvent(posted.entry, now));
      return posted;
    };
    if (quote.pointsSpent > 0) {
      balance = (await entry("REDEEM", -quote.pointsSpent, "redeem")).entry.balanceAfter;
    }
    if (quote.pointsEarned > 0) {
      balance = (await entry("PURCHASE", quote.pointsEarned, "earn")).entry.balanceAfter;
    }

    const after = await addPurchaseToMetrics(tx, {
      customerId: customer.id,
      amountMinor: quote.amountMinor,
      at: now,
      tierWindowStart: tierWindowStart(settings, now),
      tiers: tierLadder(settings),
    });
    const tierUp = after.tier !== customer.tier ? { from: customer.tier, to: after.tier } : null;

    const amounts = {
      amount: quote.amountMinor.toString(),
      paid: quote.paidMinor.toString(),
    };
    await enqueueMessage(tx, {
      kind: OutboxKind.purchaseReceipt,
      customerId: customer.id,
      payload: {
        template: quote.pointsSpent > 0 ? "receipt-purchase-spent" : "receipt-purchase",
        vars: { spent: quote.pointsSpent, earned: quote.pointsEarned, balance },
        money: { currency: settings.currency, amounts },
      },
      service: true,
      dedupeKey: `receipt:${purchase.id}`,
      now,
    });
    if (tierUp) {
      await enqueueMessage(tx, {
        kind: OutboxKind.tierReached,
        customerId: customer.id,
        payload: {
          template: `tier-reached-${tierUp.to}`,
          vars: tierNameVars(settings, tierUp.to),
        },
        service: true,
        dedupeKey: `tier:${purchase.id}:${tierUp.to}`,
        now,
      });
    }
    await recordAudit(tx, {
      actor,
      action: AuditAction.purchaseRecorded,
      customerId: customer.id,
      data: {
        purchaseId: purchase.id,
        amountMinor: quote.amountMinor.toString(),
        pointsSpent: quote.pointsSpent,
        pointsEarned: quote.pointsEarned,
        category: quote.rule.category,
        ...(tierUp ? { tierUp } : {}),
      },
      now,
    });
    await insertEvents(
      tx,
      [
        {
          customerId: customer.id,
          type: EventType.purchaseRecorded,
          data: {
            purchaseId: purchase.id,
            amountMinor: quote.amountMinor.toString(),
            pointsSpent: quote.pointsSpent,
            pointsEarned: quote.pointsEarned,
          },
          staffId: actor.staffId,
        },
        ...(tierUp
          ? [{ customerId: customer.id, type: EventType.tierChanged, data: { ...tierUp } }]
          : []),
      ],
      now,
    );
    await emitWebhookEvents(tx, [
      {
        event: WebhookEvent.purchaseRecorded,
        dedupeKey: `purchase:${purchase.id}`,
        data: {
          purchaseId: purchase.id,
          customerId: customer.id,
          cardId: card.id,
          amountMinor: quote.amountMinor.toString(),
          paidMinor: quote.paidMinor.toString(),
          currency: settings.currency,
          category: quote.rule.category,
          pointsSpent: quote.pointsSpent,
          pointsEarned: quote.pointsEarned,
          balance,
          tier: after.tier,
          createdAt: now.toISOString(),
        },
        now,
      },
      ...webhooks,
    ]);
    return { purchase, duplicate: false, balance, tierUp };
  });
}

function duplicateOf(purchase: Purchase, customerId: string, balance: number): RecordedPurchase {
  if (purchase.customerId !== customerId) {
    throw new AppError("conflict", "This idempotency key belongs to another customer's purchase", {
      field: "idempotencyKey",
    });
  }
  return { purchase, duplicate: true, balance, tierUp: null };
}

/** The owner's name for a tier, if any, for the congratulation's text. */
export function tierNameVars(settings: LoyaltySettings, key: string): Record<string, string> {
  const level = settings.tiers.levels.find((l) => l.key === key);
  return { name: level?.name ?? "none", percent: String(level?.earnPercent ?? "") };
}
