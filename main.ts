import { startApp } from "./app.ts";
import { ConfigError, loadEnvFile, parseConfig } from "./config.ts";

/**
 * Entry point for `npm start`. Configuration problems end the process with one line per
 * problem and exit code 78 (EX_CONFIG), never a stack trace.
 */
const SHUTDOWN_GRACE_MS = 10_000;

loadEnvFile();
let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78);
}

let shutdown: (code: number) => void = (code) => process.exit(code);
const app = await startApp(config, { onFatal: () => shutdown(1) }).catch((error: unknown) => {
  process.stderr.write(
    `Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

if (app.emulator) {
  process.stdout.write(
    [
      "",
      "No BOT_TOKEN set: the bot is running against the built-in Telegram emulator.",
      `  Emulator:  ${app.emulator.apiRoot}`,
      `  Admin API: ${app.httpUrl}  (GET /healthz)`,
      "  Talk to the bot as a customer in another terminal:  npm run chat",
      "  Connect a real bot: set BOT_TOKEN (see README).",
      "",
    ].join("\n"),
  );
}

// Last, so that whoever waits for "ready" has everything above it.
app.logger.info(
  {
    httpUrl: app.httpUrl,
    mode: app.mode,
    database: app.database.kind,
    emulatorUrl: app.emulator?.apiRoot,
  },
  "ready",
);

let shuttingDown = false;
shutdown = (code) => {
  if (shuttingDown) return;
  shuttingDown = true;
  const force = setTimeout(() => {
    app.logger.error("shutdown took too long; exiting");
    process.exit(1);
  }, SHUTDOWN_GRACE_MS);
  force.unref();
  app.stop().then(
    () => {
      app.logger.info("stopped");
      process.exit(code);
    },
    () => process.exit(1),
  );
};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    app.logger.info({ signal }, "shutting down");
    shutdown(0);
  });
}
// A stray rejection is a bug to log, not a reason to drop every customer's conversation.
process.on("unhandledRejection", (reason) => {
  app.logger.error({ err: reason }, "unhandled promise rejection");
});
