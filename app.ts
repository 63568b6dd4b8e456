import { run } from "@grammyjs/runner";
import { type ServerType, serve } from "@hono/node-server";
import { Api, type Bot, webhookCallback } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { createApi, type UpdatesStatus } from "./api/index.ts";
import { setBotCommands, syncStaffCommands } from "./bot/commands.ts";
import type { BotContext } from "./bot/context.ts";
import { type Dispatcher, type DispatcherDeps, startDispatcher } from "./bot/dispatcher.ts";
import { createBotApiFetch } from "./bot/http-client.ts";
import { createI18n, type LocaleSource } from "./bot/i18n.ts";
import { InFlightUpdates } from "./bot/in-flight.ts";
import { allowedUpdates, createBot } from "./bot/index.ts";
import type { Config } from "./config.ts";
import { ensureBuiltinAutomations } from "./core/automations/automation-record.ts";
import { automationJobs } from "./core/automations/scheduled-jobs.ts";
import { launchScheduledCampaigns } from "./core/campaigns/scheduled-launch.ts";
import { configuredDatabase, type Database, openDatabase } from "./core/db/database.ts";
import { interruptedImportsJob } from "./core/imports/interrupted-imports.ts";
import { createLogger, type DestinationStream, type Logger } from "./core/logger.ts";
import { startBulkPointsWorker } from "./core/loyalty/bulk-points-processing.ts";
import { loyaltyJobs } from "./core/loyalty/scheduled-jobs.ts";
import { LoyaltySettingsStore } from "./core/loyalty/settings-store.ts";
import { purgeStaleBotState } from "./core/maintenance/purge-stale-bot-state.ts";
import { QuestionBank } from "./core/questions/bank-store.ts";
import { ensureDefaultPack } from "./core/questions/packs.ts";
import { questionJobs } from "./core/questions/scheduled-jobs.ts";
import { expireRedemptions } from "./core/rewards/expire-redemptions.ts";
import { advisoryLockLeader, soleLeader } from "./core/scheduling/leader.ts";
import { createScheduler, type Scheduler } from "./core/scheduling/scheduler.ts";
import { segmentJobs } from "./core/segments/scheduled-jobs.ts";
import { startWebhookDispatcher, type WebhookDispatcherDeps } from "./core/webhooks/dispatcher.ts";
import { refreshWebhookSubscriptions } from "./core/webhooks/subscriptions.ts";
import type { TelegramEmulator } from "./emulator/index.ts";

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
  /** Sends the outbox: what the bot says on its own initiative. */
  dispatcher: Dispatcher;
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
  /** The outbox dispatcher's poll interval and clock (tests). */
  dispatcher?: Pick<DispatcherDeps, "pollMs" | "now">;
  /**
   * The webhook dispatcher's intervals (tests). Re-reading the subscriptions defaults to the
   * outbox dispatcher's poll when that is longer than 10 s: a test that counts statements
   * quiets both at once.
   */
  webhooks?: Pick<WebhookDispatcherDeps, "pollMs" | "refreshMs" | "retryBaseMs">;
  /** How often a process that is not the scheduler's leader tries again (tests; 10 s). */
  leaderRetryMs?: number;
};

/**
 * Runs the bot, the admin API and the scheduler in one process.
 *
 * Start-up order, for a fast and honest start: the database (PGlite, a WebAssembly PostgreSQL,
 * is only loaded when there is no DATABASE_URL) and the Bot API's getMe run side by side; the
 * HTTP server listens; then the bot starts taking updates, and only from then on /healthz
 * answers 200. Nothing optional (the Prisma client, QR rendering, the emulator when a token is
 * set) is loaded on the way.
 */
export async function startApp(config: Config, options: StartAppOptions = {}): Promise<App> {
  const logger =
    options.logger ??
    createLogger({
      level: config.logLevel,
      secrets: [config.botToken, config.adminToken, config.webhook?.secret, config.databaseUrl],
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    });

  const opening = options.database
    ? Promise.resolve(options.database)
    : openDatabase(configuredDatabase(config), { logger });
  // Handled here so that a failure elsewhere first does not leave an unhandled rejection.
  opening.catch(() => {});
  // Undone in reverse order of set-up, whatever step start-up fails at; the database last.
  const cleanup: Array<() => Promise<void>> = [];
  if (!options.database) {
    cleanup.push(async () => {
      const database = await opening.catch(() => undefined);
      await database?.close();
    });
  }

  try {
    const { emulator, token, apiRoot, botInfo } = await connectToBotApi(
      config,
      options.botInfo,
      cleanup,
    );
    const database = await opening;

    // Read (and seeded from the environment, the first time) before any update arrives.
    const loyalty = new LoyaltySettingsStore(database.sql, config.loyalty);
    await loyalty.get();
    // A new business starts with the generic pack; the owner picks another or edits it.
    await ensureDefaultPack(database.sql);
    // The built-in automations (birthday, expiry warning, win-back), for the owner to edit.
    await ensureBuiltinAutomations(database.sql);
    const questions = new QuestionBank(database.sql);
    // Read once now, like the settings: the first update that asks a question (onboarding's
    // birthday, "My profile") then costs no statement of its own.
    await questions.all();
    // And which events have webhook endpoints: with none, an update pays no statement for them.
    const webhookRefreshMs =
      options.webhooks?.refreshMs ?? Math.max(10_000, options.dispatcher?.pollMs ?? 0);
    await refreshWebhookSubscriptions(database.sql, webhookRefreshMs * 3 + 5_000);

    const inFlight = new InFlightUpdates();
    const botApi = createBotApiFetch();
    cleanup.push(() => botApi.close());
    const i18n = createI18n<LocaleSource>(config.defaultLanguage);
    const bot = createBot({
      token,
      apiRoot,
      fetch: botApi.fetch,
      i18n,
      sql: database.sql,
      prisma: database.prisma,
      config,
      logger,
      loyalty,
      questions,
      botInfo,
      inFlight,
    });

    let updates: UpdatesStatus = "starting";
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
    // Bulk points runs go on in the background (stopped below, with the scheduler).
    const bulkPoints = startBulkPointsWorker({ sql: database.sql, logger });
    const api = createApi({
      db: database.prisma,
      sql: database.sql,
      botUsername: botInfo.username,
      loyalty,
      questions,
      bulkPoints,
      config,
      logger,
      ping: () => database.ping(),
      updates: () => updates,
      ...(webhook ? { webhook } : {}),
    });
    const server = await listen(api.fetch, config.host, config.port);
    // Whichever way updates came in (webhook requests, polling), they have all arrived once the
    // server is closed and polling stopped; this is where the updates still running finish.
    cleanup.push(async () => {
      updates = "stopped";
      await closeServer(server);
      await inFlight.drain();
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    const httpUrl = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${port}`;

    const leaderConnection = database.dedicatedConnection?.bind(database);
    const scheduler = createScheduler({
      timeZone: config.timeZone,
      logger,
      // On PostgreSQL several processes may run; the jobs fire in one of them (leader.ts).
      leadership: leaderConnection
        ? advisoryLockLeader({
            connect: leaderConnection,
            logger,
            ...(options.leaderRetryMs ? { retryMs: options.leaderRetryMs } : {}),
          })
        : soleLeader(),
      jobs: [
        {
          name: "purge-stale-bot-state",
          schedule: "30 3 * * *",
          run: async () => {
            await purgeStaleBotState(database.sql, { olderThanDays: 30 });
          },
        },
        ...loyaltyJobs({ sql: database.sql, loyalty, timeZone: config.timeZone, logger }),
        ...automationJobs({ sql: database.sql, timeZone: config.timeZone, logger }),
        ...questionJobs({
          sql: database.sql,
          loyalty,
          questions,
          timeZone: config.timeZone,
          logger,
        }),
        ...segmentJobs({
          db: database.prisma,
          sql: database.sql,
          timeZone: config.timeZone,
          logger,
        }),
        {
          // Unused reward codes past their date: points back to the card, stock back on the shelf.
          name: "expire-reward-codes",
          schedule: "7 * * * *",
          run: async () => {
            await expireRedemptions(database.sql);
          },
        },
        {
          // Scheduled campaigns whose time has come get their recipients; finished ones are SENT.
          name: "launch-scheduled-campaigns",
          schedule: "* * * * *",
          run: async () => {
            await launchScheduledCampaigns({
              sql: database.sql,
              timeZone: config.timeZone,
              logger,
            });
          },
        },
        {
          // Runs left by a process that died while others live on (see bulk-points-processing.ts).
          name: "resume-bulk-points",
          schedule: "* * * * *",
          run: () => bulkPoints.runPending(),
        },
        // Imports left RUNNING by a process that stopped: FAILED, at start and every minute.
        interruptedImportsJob({ sql: database.sql, logger }),
      ],
    });
    scheduler.start();
    cleanup.push(() => scheduler.stop());
    // Before the scheduler's stop, which waits for the job applying runs: the batch in
    // progress finishes, the rest continues at the next start.
    cleanup.push(() => bulkPoints.stop());
    // Bulk runs cut short by the last stop (or a crash) continue now.
    bulkPoints.kick();

    updates = await takeUpdates(bot, config, {
      onStopped(error) {
        updates = "stopped";
        logger.fatal({ err: error }, "receiving updates stopped");
        options.onFatal?.(error);
      },
      // First in line at shutdown: stop fetching (updates in flight finish in the server step).
      onStop: (stop) => cleanup.push(stop),
    });

    // The dispatcher's client does not retry on its own: it paces 429s for every process.
    const outboxApi = createBotApiFetch({
      attempts: 0,
      maxRetryAfterSeconds: 0,
      firstBackoffMs: 0,
    });
    cleanup.push(() => outboxApi.close());
    const dispatcher = startDispatcher({
      sql: database.sql,
      // A send that hangs is given up after 30 s and retried later, like a dropped connection.
      api: new Api(token, { apiRoot, fetch: outboxApi.fetch, timeoutSeconds: 30 }),
      translate: (locale, key, vars) => i18n.t(locale, key, vars),
      config,
      loyalty,
      logger,
      ...options.dispatcher,
    });
    cleanup.push(() => dispatcher.stop());
    // Webhooks go out apart from the bot: a slow receiver never holds up an update.
    const webhooks = startWebhookDispatcher({
      sql: database.sql,
      logger,
      ...options.webhooks,
      refreshMs: webhookRefreshMs,
    });
    cleanup.push(() => webhooks.stop());

    // The command menu is a nicety: set it in the background, never hold up start-up for it.
    void setBotCommands(bot.api)
      .then(() => syncStaffCommands(bot.api, database.sql))
      .catch((err: unknown) => logger.warn({ err }, "could not set the bot's command menu"));

    let stopping: Promise<void> | undefined;
    return {
      logger,
      database,
      httpUrl,
      apiRoot,
      emulator,
      mode: config.webhook ? "webhook" : "polling",
      scheduler,
      dispatcher,
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

/**
 * The Bot API to talk to: Telegram (or BOT_API_ROOT) with BOT_TOKEN, otherwise the built-in
 * emulator, loaded only then. Introduces the bot with a plain client, without auto-retry: a
 * wrong token or an unreachable API root must stop start-up with a clear message, not be
 * retried forever.
 */
async function connectToBotApi(
  config: Config,
  knownBotInfo: UserFromGetMe | undefined,
  cleanup: Array<() => Promise<void>>,
) {
  let emulator: TelegramEmulator | undefined;
  let token = config.botToken;
  let apiRoot = config.botApiRoot;
  if (!token) {
    const { createTelegramEmulator } = await import("./emulator/index.ts");
    const started = createTelegramEmulator({ host: "127.0.0.1", port: config.emulatorPort });
    ({ apiRoot } = await started.start());
    token = started.token;
    emulator = started;
    cleanup.push(() => started.stop());
  }
  const botInfo =
    knownBotInfo ??
    (await new Api(token, { apiRoot, timeoutSeconds: 15 }).getMe().catch((err: unknown) => {
      throw new Error(`Cannot reach the Telegram Bot API at ${apiRoot}: ${(err as Error).message}`);
    }));
  return { emulator, token, apiRoot, botInfo };
}

/**
 * Starts receiving updates: registers the webhook, or (Telegram allows one or the other)
 * removes it and starts long polling. Resolves once updates flow.
 */
async function takeUpdates(
  bot: Bot<BotContext>,
  config: Config,
  handlers: { onStopped(error: unknown): void; onStop(stop: () => Promise<void>): void },
): Promise<"webhook" | "polling"> {
  if (config.webhook) {
    await bot.api.setWebhook(config.webhook.url, {
      secret_token: config.webhook.secret,
      allowed_updates: [...allowedUpdates],
    });
    return "webhook";
  }
  await bot.api.deleteWebhook();
  const runner = run(bot, { runner: { fetch: { allowed_updates: [...allowedUpdates] } } });
  runner.task()?.catch(handlers.onStopped);
  handlers.onStop(async () => {
    if (runner.isRunning()) await runner.stop();
  });
  return "polling";
}

/** Runs the clean-up steps, last set up first; a failing step does not stop the others. */
async function runAll(steps: Array<() => Promise<void>>, logger: Logger): Promise<void> {
  for (const step of [...steps].reverse()) {
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
