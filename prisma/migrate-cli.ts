import { loadEnvFile } from "../config.ts";
import { configuredDatabase, openDatabase } from "../core/db/database.ts";
import { createLogger } from "../core/logger.ts";

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL (or the PGlite in DATA_DIR). */
loadEnvFile();
const logger = createLogger({ level: "info" });
try {
  const db = await openDatabase(
    configuredDatabase({
      databaseUrl: process.env.DATABASE_URL || undefined,
      dataDir: process.env.DATA_DIR || "./data",
    }),
    { logger },
  );
  const { applied, alreadyApplied } = db.migrations;
  process.stdout.write(
    `${db.kind}: ${applied.length} migration(s) applied, ${alreadyApplied.length} already up to date.\n`,
  );
  await db.close();
} catch (error) {
  process.stderr.write(
    `Migration failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}
