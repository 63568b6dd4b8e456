import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import type { Actor } from "../core/access/permissions.ts";
import { AppError } from "../core/errors.ts";
import { UnsupportedFileError } from "../core/imports/read-rows.ts";
import {
  createImportRecord,
  failImport,
  prepareImport,
  runImport,
} from "../core/imports/run-import.ts";
import { QuestionBank } from "../core/questions/bank-store.ts";
import { fail, openCliDatabase } from "./open-cli-database.ts";
import { progressLine } from "./progress.ts";

/**
 * `npm run import -- clients.xlsx [--dry-run]`: loads a client base from a CSV or XLSX file,
 * exactly as POST /api/imports does (same rules: the bot's data wins, no consent granted to
 * customers already in the base), with a progress line on stderr and the rejected rows after.
 */
const usage = "Usage: npm run import -- <file.csv|file.xlsx> [--dry-run]";

let parsed: { values: { "dry-run"?: boolean; help?: boolean }; positionals: string[] };
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { "dry-run": { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`, 64);
}
if (parsed.values.help) fail(usage, 0);
const [file] = parsed.positionals;
if (!file || parsed.positionals.length > 1) fail(usage, 64);
const size = await stat(file)
  .then((s) => s.size)
  .catch(() => fail(`Cannot read ${file}`, 66));
const dryRun = parsed.values["dry-run"] === true;

const { config, db } = await openCliDatabase(
  (url) =>
    `  curl -X POST "${url}/api/imports${dryRun ? "?dryRun=true" : ""}" -H "Authorization: Bearer $ADMIN_TOKEN" -F file=@${basename(file)}`,
);
const actor: Actor = { staffId: null, role: "OWNER", via: "cli" };
const questions = await new QuestionBank(db.sql).all();
let code = 0;
try {
  const prepared = await prepareImport(file, { questions });
  const record = await createImportRecord(db.sql, { actor, fileName: basename(file), dryRun });
  const progress = progressLine(dryRun ? "Checking" : "Importing", null);
  process.stderr.write(
    `${basename(file)}: ${(size / 1024 / 1024).toFixed(1)} MB, import ${record.id}\n`,
  );
  const counts = await runImport(db.sql, prepared, {
    actor,
    importId: record.id,
    dryRun,
    phoneRegion: config.onboarding.phoneDefaultRegion,
    questions,
    onProgress: (c) =>
      progress.update(c.processed, `${c.created} new, ${c.rejectedCount} rejected`),
  }).catch(async (error) => {
    await failImport(db.sql, record.id, error);
    throw error;
  });
  progress.finish(
    counts.processed,
    `${counts.created} new, ${counts.updated} filled in, ${counts.unchanged} unchanged, ${counts.rejectedCount} rejected${dryRun ? " (dry run: nothing written)" : ""}`,
  );
  const mapped = Object.entries(prepared.mapping)
    .map(([header, field]) => `  ${header} → ${field ?? "(left out)"}`)
    .join("\n");
  process.stdout.write(`Columns:\n${mapped}\n`);
  for (const { row, reason } of counts.rejected) process.stdout.write(`row ${row}: ${reason}\n`);
  for (const { row, note } of counts.notes) process.stdout.write(`row ${row}: ${note}\n`);
  if (counts.rejectedCount > counts.rejected.length) {
    process.stdout.write(
      `… and ${counts.rejectedCount - counts.rejected.length} more rejected rows\n`,
    );
  }
} catch (error) {
  if (error instanceof UnsupportedFileError || error instanceof AppError) {
    process.stderr.write(`${error.message}\n`);
    code = 65;
  } else throw error;
} finally {
  await db.close();
}
process.exit(code);
