import { AuditAction, recordAudit } from "../access/audit.ts";
import {
  type Actor,
  Permission,
  requireNotOwnCard,
  requirePermission,
} from "../access/permissions.ts";
import type { Sql } from "../db/sql.ts";
import { findEventByKey, insertEvents } from "../db/tables/customer-events.ts";
import { lockCustomers } from "../db/tables/customers.ts";
import { AppError } from "../errors.ts";
import { EventType } from "../events.ts";
import { enqueueMessage } from "../outbox/enqueue.ts";
import { OutboxKind } from "../outbox/message.ts";
import { postLedgerEntry } from "./ledger.ts";
import type { LoyaltySettings } from "./settings.ts";

export type RecordCustomEventOptions = {
  actor: Actor;
  customerId: string;
  /** A key of the settings' eventBonuses, e.g. "review_left". */
  type: string;
  /** For staff and the timeline; the customer is not shown it. */
  note?: string | undefined;
  /**
   * Without it an event type counts once per customer (a review pays once). An event that may
   * happen again passes its own key per occurrence: it then counts once per key.
   */
  idempotencyKey?: string | undefined;
  settings: Pick<LoyaltySettings, "eventBonuses">;
  now?: Date;
};

export type RecordCustomEventResult = {
  type: string;
  /** What this occurrence earned (0 for a type without a bonus). */
  points: number;
  /** The occurrence was recorded before: nothing was recorded or credited again. */
  duplicate: boolean;
  /** The card's balance after the bonus; null when nothing was credited now. */
  balance: number | null;
  recordedAt: Date;
};

/**
 * Records a custom event for a customer (POST /api/customers/:id/events): the bonus the owner
 * set for its type is credited (kind EVENT) and the customer is told why; a type whose bonus is
 * 0 is still recorded on the timeline. Audited as "customer.event". Composes into a caller's
 * transaction.
 */
export async function recordCustomEvent(
  sql: Sql,
  options: RecordCustomEventOptions,
): Promise<RecordCustomEventResult> {
  const { actor, customerId, type } = options;
  // Credits points without a purchase, like an adjustment, though the owner fixed the amount.
  requirePermission(actor, Permission.recordEvent);
  requireNotOwnCard(actor, customerId);
  const bonuses = options.settings.eventBonuses;
  const known = Object.keys(bonuses).sort();
  if (!Object.hasOwn(bonuses, type)) {
    const list = known.length > 0 ? known.join(", ") : "none are set up";
    throw new AppError("invalid_input", `Unknown event type "${type}"`, {
      issues: [{ field: "type", message: `unknown event type; the known ones: ${list}` }],
      known,
    });
  }
  const points = bonuses[type] ?? 0;
  const key = options.idempotencyKey ? `${type}:${options.idempotencyKey}` : type;
  const now = options.now ?? new Date();

  return sql.transaction(async (tx) => {
    // Held to the end: the same occurrence sent twice at once is checked one after the other.
    const [customer] = await lockCustomers(tx, [customerId]);
    if (!customer || customer.status === "DELETED") {
      throw new AppError("not_found", "Customer not found");
    }
    const previous = await findEventByKey(tx, { customerId, type: EventType.customEvent, key });
    if (previous) {
      const earned = previous.data.points;
      return {
        type,
        points: typeof earned === "number" ? earned : 0,
        duplicate: true,
        balance: null,
        recordedAt: previous.createdAt,
      };
    }

    let balance: number | null = null;
    if (points > 0) {
      const posted = await postLedgerEntry(tx, {
        card: { activeCardOfCustomer: customerId },
        kind: "EVENT",
        delta: points,
        idempotencyKey: `event:${customerId}:${key}`,
        ...(actor.staffId ? { staffId: actor.staffId } : {}),
        note: options.note ?? type,
        now,
      }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === "not_found") {
          throw new AppError("conflict", "The customer has no active card", { reason: "no_card" });
        }
        throw error;
      });
      balance = posted.entry.balanceAfter;
      await enqueueMessage(tx, {
        kind: OutboxKind.eventBonus,
        customerId,
        payload: {
          template: "points-event-credited",
          // The bot has words for the usual types; for the owner's own ones it shows the key.
          vars: { count: points, type, label: type.replaceAll("_", " ") },
        },
        service: true,
        dedupeKey: `${OutboxKind.eventBonus}:${customerId}:${key}`,
        now,
      });
    }
    const data = {
      type,
      key,
      points,
      ...(options.note ? { note: options.note } : {}),
    };
    await insertEvents(
      tx,
      [{ customerId, type: EventType.customEvent, data, staffId: actor.staffId }],
      now,
    );
    await recordAudit(tx, { actor, action: AuditAction.eventRecorded, customerId, data, now });
    return { type, points, duplicate: false, balance, recordedAt: now };
  });
}
