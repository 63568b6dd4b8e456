import type { ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context, LazySessionFlavor } from "grammy";
import type { Config } from "../config.ts";
import type { Customer, LoyaltyCard, PrismaClient } from "../core/db/client.ts";
import type { Sql } from "../core/db/sql.ts";
import type { StaffSnapshot } from "../core/db/tables/customers.ts";
import type { Logger } from "../core/logger.ts";
import type { LoyaltySettingsStore } from "../core/loyalty/settings-store.ts";
import type { QuestionBank } from "../core/questions/bank-store.ts";
import type { PrefetchedState } from "./state-storage.ts";

/** Everything the bot's features need, passed in once by createBot (no globals). */
export type BotDeps = {
  /** The hot path: every statement an update makes goes through it (see core/db/sql.ts). */
  sql: Sql;
  /** For rare, heavy features (export, deletion); loads on first use. */
  prisma: PrismaClient;
  config: Config;
  logger: Logger;
  /** The owner's loyalty rules, cached in the process (core/loyalty/settings-store.ts). */
  loyalty: LoyaltySettingsStore;
  /** The question bank, cached in the process (core/questions/bank-store.ts). */
  questions: QuestionBank;
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
    /**
     * The customer behind this update, loaded once per update; null before the first /start.
     * A handler that changes the customer puts the saved row back here.
     */
    customer: Customer | null;
    /** Their loyalty card, loaded with them. */
    card: LoyaltyCard | null;
    /** The staff member behind the same Telegram account (possibly disabled), loaded with them. */
    staff: StaffSnapshot | null;
    /** Conversation state read along with the customer (see state-storage.ts). */
    prefetchedState?: PrefetchedState;
  };

export type BotContext = ConversationFlavor<BaseContext>;
