import type { Sql } from "../db/sql.ts";
import { insertWebhookDeliveries } from "../db/tables/webhooks.ts";
import type { WebhookEvent } from "./events.ts";
import { mayHaveSubscribers } from "./subscriptions.ts";

export type WebhookEmission = {
  event: WebhookEvent;
  /** What the receiver gets as `data`: ids and figures, JSON-safe (bigints as strings). */
  data: Record<string, unknown>;
  /** The same key twice is the same event: each endpoint gets it once. */
  dedupeKey: string;
  now?: Date;
};

/**
 * Queues an event for every active endpoint subscribed to it: a row per endpoint, written in
 * the caller's transaction so the event exists exactly when the change does; the dispatcher
 * sends it later, and the bot never waits on a receiver. With no endpoint for the event (as
 * this process knows) it costs no statement. Returns how many deliveries were queued.
 */
export function emitWebhookEvent(sql: Sql, emission: WebhookEmission): Promise<number> {
  return emitWebhookEvents(sql, [emission]);
}

/** Several events of one change in one statement (a purchase and the points it moved). */
export async function emitWebhookEvents(
  sql: Sql,
  emissions: readonly WebhookEmission[],
): Promise<number> {
  const wanted = emissions.filter((emission) => mayHaveSubscribers(sql, emission.event));
  if (wanted.length === 0) return 0;
  return insertWebhookDeliveries(sql, wanted, wanted[0]?.now ?? new Date());
}

/** profile.updated: which fields changed (the receiver reads the values with the API). */
export function emitProfileUpdated(
  sql: Sql,
  change: { customerId: string; fields: string[]; source: string; now: Date },
): Promise<number> {
  return emitWebhookEvent(sql, {
    event: "profile.updated",
    dedupeKey: `profile:${change.customerId}:${change.fields.join(",")}:${change.now.getTime()}`,
    data: {
      customerId: change.customerId,
      fields: change.fields,
      source: change.source,
      at: change.now.toISOString(),
    },
    now: change.now,
  });
}
