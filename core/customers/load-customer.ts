import type { Sql } from "../db/sql.ts";
import { type CustomerForUpdate, selectCustomerForUpdate } from "../db/tables/customers.ts";

/** Finer than this is noise for "last seen" segments, and would cost a write per message. */
export const LAST_SEEN_RESOLUTION_MS = 60 * 60 * 1000;

/**
 * The customer behind a Telegram user, with their card, for one update; "last seen" moves at
 * most once an hour in the same statement. `stateKey` names a "BotState" row to bring along
 * (the conversation state every update reads), so the whole update starts with one statement.
 */
export function loadCustomer(
  sql: Sql,
  options: { telegramId: number; stateKey?: string | null; now?: Date },
): Promise<CustomerForUpdate> {
  const now = options.now ?? new Date();
  return selectCustomerForUpdate(sql, {
    telegramId: options.telegramId,
    seenAt: now,
    seenBefore: new Date(now.getTime() - LAST_SEEN_RESOLUTION_MS),
    stateKey: options.stateKey ?? null,
  });
}
