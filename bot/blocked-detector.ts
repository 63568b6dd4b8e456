import type { Transformer } from "grammy";
import { setReachability } from "../core/customers/reachability.ts";
import type { Sql } from "../core/db/sql.ts";
import type { Logger } from "../core/logger.ts";

/**
 * An API transformer that notices "403: bot was blocked by the user" on any call that targets a
 * private chat and marks the customer unreachable, whoever made the call (a reply, a campaign,
 * a reminder). The error itself still reaches the caller.
 */
export function blockedDetector(sql: Sql, logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (!result.ok && result.error_code === 403) {
      const chatId = (payload as { chat_id?: unknown }).chat_id;
      // Private chats have positive ids equal to the user's id.
      if (
        typeof chatId === "number" &&
        chatId > 0 &&
        /blocked|deactivated/i.test(result.description)
      ) {
        await setReachability(sql, {
          telegramId: chatId,
          reachable: false,
          reason: "send_failed",
        }).catch((err: unknown) => logger.warn({ err }, "could not mark customer unreachable"));
      }
    }
    return result;
  };
}
