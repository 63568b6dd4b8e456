import type { Sql } from "../db/sql.ts";
import { updateReachability } from "../db/tables/customers.ts";
import { EventType } from "../events.ts";

/**
 * Whether the bot can message a customer. Telegram tells us through `my_chat_member` updates
 * and through 403 answers on send; campaigns skip unreachable customers.
 * Returns false when nothing changed (unknown user, or already in that state).
 */
export function setReachability(
  sql: Sql,
  options: {
    telegramId: number;
    reachable: boolean;
    reason: "chat_member" | "send_failed";
    now?: Date;
  },
): Promise<boolean> {
  return updateReachability(sql, {
    telegramId: options.telegramId,
    reachable: options.reachable,
    at: options.now ?? new Date(),
    event: {
      type: options.reachable ? EventType.botUnblocked : EventType.botBlocked,
      data: { reason: options.reason },
    },
  });
}
