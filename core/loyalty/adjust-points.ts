import { randomUUID } from "node:crypto";
import { AuditAction, recordAudit } from "../access/audit.ts";
import {
  type Actor,
  Permission,
  requireNotOwnCard,
  requirePermission,
} from "../access/permissions.ts";
import type { PointsEntry } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { selectCustomerById } from "../db/tables/customers.ts";
import { AppError } from "../errors.ts";
import { enqueueMessage } from "../outbox/enqueue.ts";
import { OutboxKind } from "../outbox/message.ts";
import { postLedgerEntry } from "./ledger.ts";

export type AdjustPointsOptions = {
  actor: Actor;
  customerId: string;
  /** Positive to credit, negative to debit; never zero. */
  points: number;
  /** Why, for the audit log and the ledger; a credit's message to the customer quotes it. */
  reason: string;
  /** The same key again is the same adjustment (a retry): it is made once. */
  idempotencyKey?: string | undefined;
  now?: Date;
};

export type AdjustPointsResult = { entry: PointsEntry; duplicate: boolean };

/**
 * Credits or debits points by hand (POST /api/customers/:id/points), kind ADJUSTMENT. A debit
 * never takes the balance below zero: it fails with "insufficient_points" and the balance.
 * Audited as "points.adjusted" with the amount and the reason; a credit tells the customer.
 * Composes into a caller's transaction.
 */
export async function adjustPoints(
  sql: Sql,
  options: AdjustPointsOptions,
): Promise<AdjustPointsResult> {
  const { actor, customerId, points, reason } = options;
  requirePermission(actor, Permission.adjustPoints);
  requireNotOwnCard(actor, customerId);
  if (!Number.isInteger(points) || points === 0) {
    throw new AppError("invalid_input", "Points must be a non-zero whole number", {
      issues: [{ field: "points", message: "must be a whole number other than 0" }],
    });
  }
  const now = options.now ?? new Date();
  // Without a key each call is a new adjustment; with one, a retry finds the first.
  const idempotencyKey = `adjust:${customerId}:${options.idempotencyKey ?? randomUUID()}`;

  return sql.transaction(async (tx) => {
    const customer = await selectCustomerById(tx, customerId);
    if (!customer || customer.status === "DELETED") {
      throw new AppError("not_found", "Customer not found");
    }
    const posted = await postLedgerEntry(tx, {
      card: { activeCardOfCustomer: customerId },
      kind: "ADJUSTMENT",
      delta: points,
      idempotencyKey,
      ...(actor.staffId ? { staffId: actor.staffId } : {}),
      note: reason,
      now,
    }).catch((error: unknown) => {
      if (error instanceof AppError && error.code === "not_found") {
        throw new AppError("conflict", "The customer has no active card", { reason: "no_card" });
      }
      throw error;
    });
    if (posted.duplicate) {
      if (posted.entry.delta !== points || posted.entry.customerId !== customerId) {
        throw new AppError("conflict", "This idempotencyKey was used for another adjustment", {
          reason: "key_reused",
          points: posted.entry.delta,
        });
      }
      return posted;
    }
    const entry = posted.entry;
    if (points > 0) {
      await enqueueMessage(tx, {
        kind: OutboxKind.pointsAdjusted,
        customerId,
        payload: { template: "points-adjusted-credited", vars: { count: points, reason } },
        service: true,
        dedupeKey: `${OutboxKind.pointsAdjusted}:${entry.id}`,
        now,
      });
    }
    await recordAudit(tx, {
      actor,
      action: AuditAction.pointsAdjusted,
      customerId,
      data: {
        points,
        reason,
        balanceAfter: entry.balanceAfter,
        entryId: entry.id.toString(),
        ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
      },
      now,
    });
    return posted;
  });
}
