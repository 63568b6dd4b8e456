import { type App, type StartAppOptions, startApp } from "../../app.ts";
import { parseConfig } from "../../config.ts";
import type { Database } from "../../core/db/database.ts";
import { type DestinationStream, silentLogger } from "../../core/logger.ts";
import {
  createTelegramEmulator,
  type TelegramEmulator,
  type UserProfile,
} from "../../emulator/index.ts";
import { openTestDatabase } from "./database.ts";
import { freePort } from "./free-port.ts";

export const TEST_BOT_TOKEN = "123456789:TEST-token-for-the-local-emulator";

export type BotHarness = {
  /** `url`: on PostgreSQL, for a second connection as another process would open. */
  db: Database & { url?: string };
  /** Every statement sent to the database so far, in order (Prisma's included). */
  statements: string[];
  emulator: TelegramEmulator;
  app: App;
  /** Stops the app (as a deploy would) and starts a new one on the same database and emulator. */
  restart(): Promise<void>;
  user(profile: UserProfile): ReturnType<TelegramEmulator["user"]>;
  close(): Promise<void>;
};

/**
 * The real app (startApp, exactly as in production) on a fresh test database, talking over HTTP
 * to the emulator. Webhook mode by default: the emulator's user actions then resolve when the
 * bot has finished handling the update, so tests need no sleeps.
 */
export async function startBotHarness(
  options: {
    mode?: "webhook" | "polling";
    env?: Record<string, string>;
    /** Capture logs (through the production logger) instead of discarding them. */
    logDestination?: DestinationStream;
    /** The outbox dispatcher's clock (and poll interval, 20 ms by default here). */
    dispatcher?: StartAppOptions["dispatcher"];
    /** The webhook dispatcher's intervals (app defaults otherwise). */
    webhooks?: StartAppOptions["webhooks"];
  } = {},
): Promise<BotHarness> {
  const statements: string[] = [];
  const db = await openTestDatabase({ onStatement: (sql) => statements.push(sql) });
  const emulator = createTelegramEmulator({ token: TEST_BOT_TOKEN });
  const { apiRoot } = await emulator.start();
  const port = await freePort();
  const env: Record<string, string> = {
    BOT_TOKEN: TEST_BOT_TOKEN,
    BOT_API_ROOT: apiRoot,
    HOST: "127.0.0.1",
    PORT: String(port),
    LOG_LEVEL: "silent",
    ADMIN_TOKEN: "test-admin-token-0123456789abcdef",
    BUSINESS_NAME: "Aurora",
    // Outbox messages go at any hour in tests; the quiet-hours tests set their own.
    QUIET_HOURS: "off",
    ...(options.mode === "polling"
      ? {}
      : {
          WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/webhook`,
          WEBHOOK_SECRET: "test-webhook-secret-0123456789",
        }),
    ...options.env,
  };
  const config = parseConfig(env);
  const start = () =>
    startApp(config, {
      database: db,
      dispatcher: { pollMs: 20, ...options.dispatcher },
      ...(options.webhooks ? { webhooks: options.webhooks } : {}),
      ...(options.logDestination
        ? { logDestination: options.logDestination }
        : { logger: silentLogger() }),
    });
  let app = await start();

  return {
    db,
    statements,
    emulator,
    get app() {
      return app;
    },
    async restart() {
      await app.stop();
      app = await start();
    },
    user: (profile) => emulator.user(profile),
    async close() {
      await app.stop();
      await emulator.stop();
      await db.close();
    },
  };
}
