import type { ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context, LazySessionFlavor } from "grammy";
import type { Config } from "../config.ts";
import type { Customer, PrismaClient } from "../core/db/client.ts";
import type { Logger } from "../core/logger.ts";

/** Everything the bot's features need, passed in once by createBot (no globals). */
export type BotDeps = {
  db: PrismaClient;
  config: Config;
  logger: Logger;
};

/**
 * Per-chat UI state, stored in BotState. Nothing needs it yet (everything of value lives in the
 * domain tables, and multi-step flows are conversations); it is lazy, so it costs nothing
 * until a feature reads it.
 */
export type SessionData = Record<string, never>;

export type BaseContext = Context &
  // Lazy: read from the database only by a handler that uses it, not on every update.
  LazySessionFlavor<SessionData> &
  I18nFlavor & {
    logger: Logger;
    deps: BotDeps;
    /** The customer behind this update, loaded once per update; null before the first /start. */
    customer: Customer | null;
  };

export type BotContext = ConversationFlavor<BaseContext>;
