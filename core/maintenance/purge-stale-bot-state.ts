import type { Sql } from "../db/sql.ts";
import { deleteBotStateOlderThan } from "../db/tables/bot-state.ts";

/**
 * Sessions and conversations nobody touched for `olderThanDays` are abandoned (the customer
 * walked away mid-survey); dropping them keeps BotState small. Nothing of business value lives
 * there: profiles, cards and answers are in their own tables.
 */
export function purgeStaleBotState(
  sql: Sql,
  options: { olderThanDays: number; now?: Date },
): Promise<number> {
  const cutoff = new Date(
    (options.now ?? new Date()).getTime() - options.olderThanDays * 86_400_000,
  );
  return deleteBotStateOlderThan(sql, cutoff);
}
