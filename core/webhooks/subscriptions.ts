import type { Sql } from "../db/sql.ts";
import { selectSubscribedEvents } from "../db/tables/webhooks.ts";

/**
 * Which events have an active endpoint, as this process last read them, per database. Most
 * businesses have no endpoint at all, and the bot's hot path then pays no statement for
 * webhooks: emitting checks this set first. The webhook dispatcher reads it again on a timer
 * (other processes' changes arrive within that), and this process's own endpoint changes
 * refresh it at once. Never read, or read too long ago, it answers "maybe" and the INSERT itself
 * decides. Keyed by the database the `Sql` runs on (its transactions share the key), so two
 * databases in one process keep apart.
 */
type Known = { events: ReadonlySet<string>; validUntil: number };
const knownByDatabase = new WeakMap<object, Known>();

const keyOf = (sql: Sql): object => sql.database ?? sql;

export function mayHaveSubscribers(sql: Sql, event: string, now = Date.now()): boolean {
  const known = knownByDatabase.get(keyOf(sql));
  if (!known || known.validUntil < now) return true;
  return known.events.has(event);
}

/** Reads the subscribed events; trusted for `ttlMs` (longer than the refresh interval). */
export async function refreshWebhookSubscriptions(sql: Sql, ttlMs = 60_000): Promise<void> {
  const events = await selectSubscribedEvents(sql);
  knownByDatabase.set(keyOf(sql), { events: new Set(events), validUntil: Date.now() + ttlMs });
}

/** Whether any endpoint listens to anything, as last read (the dispatcher idles otherwise). */
export function anySubscribers(sql: Sql): boolean {
  const known = knownByDatabase.get(keyOf(sql));
  return !known || known.events.size > 0;
}
