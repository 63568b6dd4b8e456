import type { ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context, SessionFlavor } from "grammy";
import type { Config } from "../config.ts";
import type { Customer, PrismaClient } from "../core/db/client.ts";
import type { Logger } from "../core/logger.ts";

/** Everything the bot's features need, passed in once by createBot (no globals). */
export type BotDeps = {
  db: PrismaClient;
  config: Config;
  logger: Logger;
};

/** Small per-chat UI state; anything of business value lives in the domain tables. */
export type SessionData = {
  historyPage?: number;
};

export type BaseContext = Context &
  SessionFlavor<SessionData> &
  I18nFlavor & {
    logger: Logger;
    deps: BotDeps;
    /** The customer behind this update, loaded once per update; null before the first /start. */
    customer: Customer | null;
  };

export type BotContext = ConversationFlavor<BaseContext>;
