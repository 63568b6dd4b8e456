import type { Config } from "../config.ts";
import type { Principal } from "../core/access/authenticate.ts";
import type { PrismaClient } from "../core/db/client.ts";
import type { Sql } from "../core/db/sql.ts";
import type { Logger } from "../core/logger.ts";
import type { BulkPointsWorker } from "../core/loyalty/bulk-points-processing.ts";
import type { LoyaltySettingsStore } from "../core/loyalty/settings-store.ts";
import type { QuestionBank } from "../core/questions/bank-store.ts";

/** How the bot gets updates right now: not yet, by long polling or webhook, or no more. */
export type UpdatesStatus = "starting" | "polling" | "webhook" | "stopped";

export type ApiDeps = {
  db: PrismaClient;
  sql: Sql;
  /** The bot's @username, for the t.me links the API hands out (staff invites). */
  botUsername: string;
  /** The owner's loyalty rules, cached in the process. */
  loyalty: LoyaltySettingsStore;
  /** The question bank; the API invalidates it after a change. */
  questions: QuestionBank;
  /** Applies bulk points runs in the background; kicked when one starts. */
  bulkPoints: Pick<BulkPointsWorker, "kick">;
  config: Config;
  logger: Logger;
  /** Database liveness for /healthz. */
  ping(): Promise<void>;
  /** Whether the bot takes updates, for /healthz. */
  updates(): UpdatesStatus;
};

export type ApiEnv = {
  Variables: {
    principal: Principal;
  };
};
