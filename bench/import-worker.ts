/**
 * The process whose memory `npm run bench:import` measures (bench/import.ts forks it, one per
 * measured run): either the admin API on a port, as the app serves it ("server"), or a
 * baseline pass that only reads ("read-xlsx": the file through the import's XLSX reader;
 * "read-pages": the customers through the export's page query). It reports its RSS when idle
 * and its peak (getrusage maxrss) over IPC.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApi } from "../api/index.ts";
import { parseConfig } from "../config.ts";
import { openDatabase } from "../core/db/database.ts";
import { selectExportPage } from "../core/db/tables/customer-export.ts";
import { EXPORT_PAGE_SIZE } from "../core/exports/export-customers.ts";
import { xlsxRows } from "../core/imports/read-rows.ts";
import { silentLogger } from "../core/logger.ts";
import { startBulkPointsWorker } from "../core/loyalty/bulk-points-processing.ts";
import { LoyaltySettingsStore } from "../core/loyalty/settings-store.ts";
import { QuestionBank } from "../core/questions/bank-store.ts";
import { BENCH_TOKEN, type WorkerMessage } from "./lib/import-protocol.ts";

const [mode, databaseUrl, file] = process.argv.slice(2) as [string, string, string | undefined];
const send = (message: WorkerMessage) => process.send?.(message);
const rss = () => process.memoryUsage.rss();
/** Peak resident set of this process so far, in bytes. */
const maxRss = () => process.resourceUsage().maxRSS * 1024;

process.on("message", (message: { type: string }) => {
  if (message.type === "peak") send({ type: "peak", maxRss: maxRss() });
  if (message.type === "exit") process.exit(0);
});

const db = await openDatabase({ kind: "postgres", url: databaseUrl });

if (mode === "server") {
  const config = parseConfig({ ADMIN_TOKEN: BENCH_TOKEN, DATABASE_URL: databaseUrl });
  const api = createApi({
    db: db.prisma,
    sql: db.sql,
    botUsername: "bench_bot",
    loyalty: new LoyaltySettingsStore(db.sql, config.loyalty),
    questions: new QuestionBank(db.sql),
    bulkPoints: startBulkPointsWorker({ sql: db.sql, logger: silentLogger() }),
    config,
    logger: silentLogger(),
    ping: () => db.ping(),
    updates: () => "webhook",
  });
  const server = serve({ fetch: api.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  // One authenticated request first, so what is loaded on the first call counts as idle.
  const port = (server.address() as AddressInfo).port;
  await fetch(`http://127.0.0.1:${port}/api/imports/00000000-0000-4000-8000-000000000000`, {
    headers: { authorization: `Bearer ${BENCH_TOKEN}` },
  });
  global.gc?.();
  send({ type: "ready", port, idleRss: rss() });
} else {
  global.gc?.();
  send({ type: "ready", idleRss: rss() });
  const started = performance.now();
  let rows = 0;
  if (mode === "read-xlsx") {
    for await (const _ of xlsxRows(file as string)) rows++;
    rows--; // the header
  } else {
    let after: string | null = null;
    for (;;) {
      const page = await selectExportPage(db.sql, { after, size: EXPORT_PAGE_SIZE });
      rows += page.length;
      if (page.length < EXPORT_PAGE_SIZE) break;
      after = page[page.length - 1]?.id ?? null;
    }
  }
  send({ type: "done", rows, seconds: (performance.now() - started) / 1000 });
}
