import { join } from "node:path";
import { type RunnerHandle, run } from "@grammyjs/runner";
import { type ServerType, serve } from "@hono/node-server";
import { Api, webhookCallback } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { createApi } from "./api/index.ts";
import { setBotCommands } from "./bot/commands.ts";
import { InFlightUpdates } from "./bot/in-flight.ts";
import { allowedUpdates, createBot } from "./bot/index.ts";
import type { Config } from "./config.ts";
import { type Database, openDatabase } from "./core/db/database.ts";
import { createLogger, type DestinationStream, type Logger } from "./core/logger.ts";
import { purgeStaleBotState } from "./core/maintenance/purge-stale-bot-state.ts";
import { createScheduler, type Scheduler } from "./core/scheduling/scheduler.ts";
import { createTelegramEmulator, type TelegramEmulator } from "./emulator/index.ts";

export type App = {
  logger: Logger;
  database: Database;
  /** Base URL of the HTTP server (health, webhook, admin API). */
  httpUrl: string;
  /** The Bot API root the bot talks to. */
  apiRoot: string;
  /** Set when running without BOT_TOKEN. */
  emulator: TelegramEmulator | undefined;
  mode: "polling" | "webhook";
  scheduler: Scheduler;
  /** Stops taking updates, finishes in-flight work, closes the database. */
  stop(): Promise<void>;
};

export type StartAppOptions = {
  logger?: Logger;
  /** Skips getMe (tests); otherwise the bot introduces itself to the Bot API at start. */
  botInfo?: UserFromGetMe;
  /**
   * Called when the bot can no longer receive updates (e.g. polling refused with 401 after the
   * token was revoked, or 409 because another process polls with it). main.ts shuts down.
   */
  onFatal?: (error: unknown) => void;
  /** An already open database (tests); the app then leaves closing it to the caller. */
  database?: Database;
  /** Where logs go (default stdout); tests capture them to check nothing personal leaks. */
  logDestination?: DestinationStream;
};

/** Runs the bot, the admin API and the scheduler in one process. */
export async function startApp(config: Config, options: StartAppOptions = {}): Promise<App> {
  const logger =
    options.logger ??
    createLogger({
      level: config.logLevel,
      secrets: [config.botToken, config.adminToken, config.webhook?.secret, config.databaseUrl],
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    });

  const database =
    options.database ??
    (await openDatabase(
      config.databaseUrl
        ? { kind: "postgres", url: config.databaseUrl }
        : { kind: "pglite", dataDir: join(config.dataDir, "pglite") },
      logger,
    ));
  const cleanup: Array<() => Promise<void>> = options.database ? [] : [() => database.close()];
  try {
    let emulator: TelegramEmulator | undefined;
    let token = config.botToken;
    let apiRoot = config.botApiRoot;
    if (!token) {
      emulator = createTelegramEmulator({ host: "127.0.0.1", port: config.emulatorPort });
      ({ apiRoot } = await emulator.start());
      token = emulator.token;
      const started = emulator;
      cleanup.unshift(() => started.stop());
    }

    // A plain client without auto-retry: a wrong token or an unreachable API root must stop
    // start-up with a clear message, not be retried forever.
    const botInfo =
      options.botInfo ??
      (await new Api(token, { apiRoot, timeoutSeconds: 15 }).getMe().catch((err: unknown) => {
        throw new Error(
          `Cannot reach the Telegram Bot API at ${apiRoot}: ${(err as Error).message}`,
        );
      }));
    const inFlight = new InFlightUpdates();
    const bot = createBot({
      token,
      apiRoot,
      db: database.prisma,
      config,
      logger,
      botInfo,
      inFlight,
    });

    const webhook = config.webhook
      ? webhookCallback(bot, "std/http", {
          secretToken: config.webhook.secret,
          // A slow update (e.g. waiting out a 429) is acknowledged after 20 s and finished in
          // the background (shutdown still waits for it): failing the request instead would
          // make Telegram deliver the same update again.
          timeoutMilliseconds: 20_000,
          onTimeout: "return",
        })
      : undefined;
    const api = createApi({
      db: database.prisma,
      config,
      logger,
      ping: () => database.ping(),
      ...(webhook ? { webhook } : {}),
    });
    const server = await listen(api.fetch, config.host, config.port);
    // Whichever way updates came in (webhook requests, polling), they have all arrived once the
    // server is closed and polling stopped; this is where the updates still running finish.
    cleanup.unshift(async () => {
      await closeServer(server);
      await inFlight.drain();
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    const httpUrl = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${port}`;

    const scheduler = createScheduler({
      timeZone: config.timeZone,
      logger,
      jobs: [
        {
          name: "purge-stale-bot-state",
          schedule: "30 3 * * *",
          run: async () => {
            await purgeStaleBotState(database.prisma, { olderThanDays: 30 });
          },
        },
      ],
    });
    scheduler.start();
    cleanup.unshift(() => scheduler.stop());

    await setBotCommands(bot.api).catch((err: unknown) =>
      logger.warn({ err }, "could not set the bot's command menu"),
    );

    let runner: RunnerHandle | undefined;
    if (config.webhook) {
      await bot.api.setWebhook(config.webhook.url, {
        secret_token: config.webhook.secret,
        allowed_updates: [...allowedUpdates],
      });
    } else {
      // Polling and a webhook exclude each other on Telegram's side.
      await bot.api.deleteWebhook();
      runner = run(bot, { runner: { fetch: { allowed_updates: [...allowedUpdates] } } });
      const handle = runner;
      handle.task()?.catch((error: unknown) => {
        logger.fatal({ err: error }, "receiving updates stopped");
        options.onFatal?.(error);
      });
      // First in line at shutdown: stop fetching (updates in flight finish in the server step).
      cleanup.unshift(async () => {
        if (handle.isRunning()) await handle.stop();
      });
    }

    let stopping: Promise<void> | undefined;
    return {
      logger,
      database,
      httpUrl,
      apiRoot,
      emulator,
      mode: config.webhook ? "webhook" : "polling",
      scheduler,
      stop() {
        stopping ??= runAll(cleanup, logger);
        return stopping;
      },
    };
  } catch (error) {
    await runAll(cleanup, logger);
    throw error;
  }
}

async function runAll(steps: Array<() => Promise<void>>, logger: Logger): Promise<void> {
  for (const step of steps) {
    await step().catch((err: unknown) => logger.error({ err }, "shutdown step failed"));
  }
}

function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, () => resolve(server));
    server.once("error", reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    // Waits for requests in flight (webhook updates being handled); idle keep-alive
    // connections would otherwise hold the process open.
    server.close(() => resolve());
    if ("closeIdleConnections" in server) server.closeIdleConnections();
  });
}
