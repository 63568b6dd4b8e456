import type { Sql } from "../db/sql.ts";
import { insertOutboxMessage } from "../db/tables/outbox-messages.ts";
import type { OutboxKind, OutboxPayload } from "./message.ts";

/**
 * Queues a message the bot will send on its own initiative. Call it with the transaction that
 * makes the change the message is about, so that both happen or neither. The same `dedupeKey`
 * twice queues one message. Returns whether this call queued it.
 */
export function enqueueMessage(
  sql: Sql,
  message: {
    kind: OutboxKind;
    customerId: string;
    payload: OutboxPayload;
    /** Receipts and other direct service messages: not held by quiet hours or the cap. */
    service: boolean;
    dedupeKey: string;
    notBefore?: Date;
    now?: Date;
  },
): Promise<boolean> {
  return insertOutboxMessage(sql, {
    kind: message.kind,
    customerId: message.customerId,
    payload: message.payload,
    service: message.service,
    dedupeKey: message.dedupeKey,
    notBefore: message.notBefore ?? message.now ?? new Date(),
  });
}
