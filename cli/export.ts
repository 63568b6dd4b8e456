import { createWriteStream } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import type { Actor } from "../core/access/permissions.ts";
import { AppError } from "../core/errors.ts";
import { exportCustomers } from "../core/exports/export-customers.ts";
import { QuestionBank } from "../core/questions/bank-store.ts";
import { compileRule } from "../core/segments/compile.ts";
import { segmentRule } from "../core/segments/manage-segments.ts";
import { fail, openCliDatabase } from "./open-cli-database.ts";
import { progressLine } from "./progress.ts";

/**
 * `npm run export -- customers.csv [--segment <id>]`: the customer base (or a saved segment)
 * as CSV or XLSX, by the file's extension, written as it is read, with a progress bar.
 */
const usage = "Usage: npm run export -- <out.csv|out.xlsx> [--segment <segment id>]";

let parsed: { values: { segment?: string; help?: boolean }; positionals: string[] };
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { segment: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`, 64);
}
if (parsed.values.help) fail(usage, 0);
const [out] = parsed.positionals;
if (!out || parsed.positionals.length > 1) fail(usage, 64);
const format = out.toLowerCase().endsWith(".xlsx")
  ? "xlsx"
  : out.toLowerCase().endsWith(".csv")
    ? "csv"
    : null;
if (!format) fail(`The file must end in .csv or .xlsx.\n${usage}`, 64);
const segmentId = parsed.values.segment;
if (segmentId !== undefined && !/^[0-9a-f-]{36}$/i.test(segmentId))
  fail("--segment must be a segment id (a UUID)", 64);

const { config, db } = await openCliDatabase(
  (url) =>
    `  curl -o ${out} "${url}/api/customers/export?format=${format}" -H "Authorization: Bearer $ADMIN_TOKEN"`,
);
const actor: Actor = { staffId: null, role: "OWNER", via: "cli" };
let code = 0;
try {
  const now = new Date();
  const segment = segmentId
    ? {
        id: segmentId,
        where: compileRule(await segmentRule(db.prisma, segmentId), {
          now,
          timeZone: config.timeZone,
        }),
      }
    : undefined;
  const [{ total }] = (await db.sql.query<{ total: number }>(
    `SELECT count(*)::int AS "total" FROM "Customer" WHERE "status" = 'ACTIVE'`,
  )) as [{ total: number }];
  const file = await exportCustomers(db.sql, {
    actor,
    format,
    questions: await new QuestionBank(db.sql).active(),
    ...(segment ? { segment } : {}),
  });
  const progress = progressLine(`Exporting to ${out}`, segment || format === "xlsx" ? null : total);
  let rows = -1; // the header
  let bytes = 0;
  // CSV rows are counted by line ends; XLSX is measured in bytes written.
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (format === "csv") for (const byte of chunk) if (byte === 0x0a) rows++;
      progress.update(
        Math.max(rows, 0),
        format === "xlsx" ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : "",
      );
      done(null, chunk);
    },
  });
  await pipeline(file.stream, counter, createWriteStream(out));
  progress.finish(
    format === "csv" ? Math.max(rows, 0) : total,
    `${(bytes / 1024 / 1024).toFixed(1)} MB written`,
  );
} catch (error) {
  if (error instanceof AppError) {
    process.stderr.write(`${error.message}\n`);
    code = 65;
  } else throw error;
} finally {
  await db.close();
}
process.exit(code);
