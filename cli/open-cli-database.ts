import { ConfigError, loadEnvFile, parseConfig } from "../config.ts";
import { configuredDatabase, openDatabase } from "../core/db/database.ts";
import { createLogger } from "../core/logger.ts";

export function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** The running app's address, for the API calls a refusal suggests instead. */
export function appUrl(config: ReturnType<typeof parseConfig>): string {
  return `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${config.port}`;
}

/**
 * The configured database for a command-line tool. With the embedded database the app must be
 * stopped first (one process at a time); the message says so and offers the API instead
 * (`apiHint`: the lines of the call to make, given the app's address).
 */
export async function openCliDatabase(apiHint: (url: string) => string) {
  loadEnvFile();
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    fail(error.message, 78);
  }
  const logger = createLogger({ level: "warn" });
  const db = await openDatabase(configuredDatabase(config), { logger }).catch((error: Error) => {
    if (error.name === "DataDirInUseError") {
      fail(
        [
          "The app is running on this embedded database, and only one process may open it.",
          "Either stop the app and run this command again, or ask the running app:",
          apiHint(appUrl(config)),
        ].join("\n"),
        1,
      );
    }
    fail(`Cannot open the database: ${error.message}`, 1);
  });
  return { config, db };
}
