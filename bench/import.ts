/**
 * `npm run bench:import` — a client base in and out through the admin API on PostgreSQL: a
 * generated XLSX of BENCH_ROWS customers × 12 columns (shared strings, as Excel writes them)
 * is uploaded to POST /api/imports and followed to the end, then GET /api/customers/export
 * streams all of them as CSV. Reported: rows per second, and the server process's peak RSS
 * minus its idle RSS (target: under 150 MB either way).
 *
 * Method. Every measured run is a fresh server process (bench/import-worker.ts) on a fresh
 * database, so each peak belongs to one run: idle is its RSS after start-up and one request,
 * peak its getrusage maxrss. Baselines measured in the same rounds, in their own processes:
 * reading the same XLSX with the import's streaming reader and nothing else (the import ÷
 * read ratio is what validation and the database add), and walking the customers with the
 * export's page query (export ÷ read: what CSV and HTTP add). A warm-up round of
 * BENCH_ROWS / 10 rows is discarded; then BENCH_ROUNDS rounds, the order of measured run and
 * baseline alternating. Figures: median (min–max).
 *
 * BENCH_DATABASE_URL names the server (default: the local one CI uses).
 */
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { openDatabase } from "../core/db/database.ts";
import { luhnCheckDigit } from "../core/loyalty/card-number.ts";
import { BENCH_TOKEN, type WorkerMessage } from "./lib/import-protocol.ts";
import { machineLine } from "./lib/machine.ts";
import { freshPostgresDatabase } from "./lib/postgres-database.ts";
import { median, spread } from "./lib/stats.ts";

const SERVER = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LIMIT_MB = 150;
const MB = 1024 * 1024;

const cities = ["Москва", "Санкт-Петербург", "Казань", "Новосибирск", "Екатеринбург", "Самара"];
const names = ["Анна", "Борис", "Вера", "Глеб", "Дарья", "Егор", "Жанна", "Илья", "Кира", "Лев"];
const surnames = ["Иванова", "Петров", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева"];

/** The file an owner would bring: 12 columns, a card number on half the rows, some tags. */
async function generateXlsx(path: string, rows: number): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useSharedStrings: true,
  });
  const sheet = workbook.addWorksheet("Клиенты");
  sheet
    .addRow([
      "ФИО",
      "Телефон",
      "Email",
      "Дата рождения",
      "Город",
      "Пол",
      "Номер карты",
      "Баланс",
      "Теги",
      "Согласие на рассылку",
      "Дата регистрации",
      "Комментарий",
    ])
    .commit();
  for (let i = 0; i < rows; i++) {
    const body = `5${String(i).padStart(10, "0")}`;
    sheet
      .addRow([
        `${names[i % names.length]} ${surnames[i % surnames.length]}`,
        `+7916${String(i).padStart(7, "0")}`,
        i % 3 === 0 ? `client${i}@example.com` : "",
        `${String((i % 28) + 1).padStart(2, "0")}.${String((i % 12) + 1).padStart(2, "0")}.${1960 + (i % 45)}`,
        cities[i % cities.length],
        i % 2 ? "ж" : "м",
        i % 2 ? `${body}${luhnCheckDigit(body)}` : "",
        i % 5 === 0 ? 0 : (i * 37) % 2000,
        i % 7 === 0 ? "vip, кофе" : "",
        i % 4 === 0 ? "да" : "нет",
        new Date(Date.UTC(2020, i % 12, (i % 28) + 1)),
        i % 10 === 0 ? "Постоянный клиент, любит капучино" : "",
      ])
      .commit();
  }
  sheet.commit();
  await workbook.commit();
}

type Worker = { child: ChildProcess; idleRss: number; port?: number };

function nextMessage<T extends WorkerMessage["type"]>(child: ChildProcess, type: T) {
  return new Promise<Extract<WorkerMessage, { type: T }>>((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      resolve(message as Extract<WorkerMessage, { type: T }>);
    };
    child.on("message", onMessage);
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

async function startWorker(mode: string, url: string, file?: string): Promise<Worker> {
  const child = fork(
    new URL("./import-worker.ts", import.meta.url).pathname,
    [mode, url, ...(file ? [file] : [])],
    {
      execArgv: ["--import", "tsx", "--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  const ready = await nextMessage(child, "ready");
  return { child, idleRss: ready.idleRss, ...(ready.port ? { port: ready.port } : {}) };
}

async function stopWorker(worker: Worker): Promise<number> {
  worker.child.send({ type: "peak" });
  const { maxRss } = await nextMessage(worker.child, "peak");
  worker.child.send({ type: "exit" });
  await once(worker.child, "exit");
  return (maxRss - worker.idleRss) / MB;
}

type Run = { rowsPerSecond: number; extraMb: number };

async function importRun(url: string, file: string, rows: number): Promise<Run> {
  const worker = await startWorker("server", url);
  const base = `http://127.0.0.1:${worker.port}`;
  const headers = { authorization: `Bearer ${BENCH_TOKEN}` };
  const started = performance.now();
  const form = new FormData();
  // Read here (the client's memory is not measured): a Blob from fs.openAsBlob can stall undici.
  form.append("file", new Blob([await readFile(file)]), "clients.xlsx");
  const answer = await fetch(`${base}/api/imports`, { method: "POST", headers, body: form });
  let state = (await answer.json()) as {
    id: string;
    status: string;
    created: number;
    rejectedCount: number;
    rejected?: unknown[];
    error?: string;
  };
  if (answer.status !== 202 && answer.status !== 200)
    throw new Error(`import answered ${answer.status}: ${JSON.stringify(state)}`);
  const id = state.id;
  while (state.status !== "DONE" && state.status !== "FAILED") {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const polled = await fetch(`${base}/api/imports/${id}`, { headers });
    // The API's per-token rate limit applies to the bench too: wait as told.
    if (polled.status === 429) {
      await polled.body?.cancel();
      await new Promise((resolve) =>
        setTimeout(resolve, Number(polled.headers.get("retry-after") ?? 1) * 1000),
      );
      continue;
    }
    state = (await polled.json()) as typeof state;
  }
  const seconds = (performance.now() - started) / 1000;
  if (state.status !== "DONE" || state.created !== rows) {
    throw new Error(
      `import ended ${state.status} with ${state.created} of ${rows} created: ${state.error ?? ""} ${JSON.stringify(state.rejected?.slice(0, 5) ?? [])}`,
    );
  }
  return { rowsPerSecond: rows / seconds, extraMb: await stopWorker(worker) };
}

async function exportRun(url: string, rows: number): Promise<Run> {
  const worker = await startWorker("server", url);
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${worker.port}/api/customers/export?format=csv`, {
    headers: { authorization: `Bearer ${BENCH_TOKEN}` },
  });
  let lines = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    for (const byte of chunk) if (byte === 0x0a) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  if (lines !== rows + 1) throw new Error(`export gave ${lines - 1} rows, expected ${rows}`);
  return { rowsPerSecond: rows / seconds, extraMb: await stopWorker(worker) };
}

async function readRun(mode: "read-xlsx" | "read-pages", url: string, file?: string): Promise<Run> {
  const worker = await startWorker(mode, url, file);
  const done = await nextMessage(worker.child, "done");
  return { rowsPerSecond: done.rows / done.seconds, extraMb: await stopWorker(worker) };
}

async function round(file: string, rows: number, baselineFirst: boolean) {
  const database = await freshPostgresDatabase(SERVER);
  try {
    // Migrations, before any measured process opens it.
    await (await openDatabase({ kind: "postgres", url: database.url })).close();
    const readXlsx = () => readRun("read-xlsx", database.url, file);
    const doImport = () => importRun(database.url, file, rows);
    const [imported, read] = baselineFirst
      ? [await readXlsx(), await doImport()].reverse()
      : [await doImport(), await readXlsx()];
    const readPages = () => readRun("read-pages", database.url);
    const doExport = () => exportRun(database.url, rows);
    const [exported, pages] = baselineFirst
      ? [await readPages(), await doExport()].reverse()
      : [await doExport(), await readPages()];
    return {
      imported: imported as Run,
      read: read as Run,
      exported: exported as Run,
      pages: pages as Run,
    };
  } finally {
    await database.drop();
  }
}

const dir = await mkdtemp(join(tmpdir(), "bench-import-"));
try {
  process.stdout.write(`${machineLine()}\nPostgreSQL at ${new URL(SERVER).host}\n`);
  const warmFile = join(dir, "warm.xlsx");
  const file = join(dir, "clients.xlsx");
  await generateXlsx(warmFile, Math.max(1000, Math.round(ROWS / 10)));
  await generateXlsx(file, ROWS);
  process.stdout.write(
    `${ROWS.toLocaleString("en")} rows × 12 columns: ${((await stat(file)).size / MB).toFixed(1)} MB XLSX\n`,
  );
  await round(warmFile, Math.max(1000, Math.round(ROWS / 10)), false);
  const results: Array<Awaited<ReturnType<typeof round>>> = [];
  for (let i = 0; i < ROUNDS; i++) {
    results.push(await round(file, ROWS, i % 2 === 1));
    process.stderr.write(`round ${i + 1}/${ROUNDS} done\n`);
  }
  const pick = (key: keyof (typeof results)[number], field: keyof Run) =>
    results.map((r) => r[key][field]);
  const ratio = (a: "imported" | "exported", b: "read" | "pages") =>
    median(results.map((r) => r[a].rowsPerSecond / r[b].rowsPerSecond));
  const importPeak = Math.max(...pick("imported", "extraMb"));
  const exportPeak = Math.max(...pick("exported", "extraMb"));
  process.stdout.write(
    `${[
      `Import XLSX → API:  ${spread(pick("imported", "rowsPerSecond"), 0)} rows/s, server peak RSS − idle ${spread(pick("imported", "extraMb"))} MB`,
      `  baseline, reading the XLSX only: ${spread(pick("read", "rowsPerSecond"), 0)} rows/s (${spread(pick("read", "extraMb"))} MB); import ÷ read ${ratio("imported", "read").toFixed(2)}`,
      `Export API → CSV:   ${spread(pick("exported", "rowsPerSecond"), 0)} rows/s, server peak RSS − idle ${spread(pick("exported", "extraMb"))} MB`,
      `  baseline, the page query only: ${spread(pick("pages", "rowsPerSecond"), 0)} rows/s (${spread(pick("pages", "extraMb"))} MB); export ÷ read ${ratio("exported", "pages").toFixed(2)}`,
      `Peak RSS − idle, worst run: import ${importPeak.toFixed(1)} MB, export ${exportPeak.toFixed(1)} MB (limit ${LIMIT_MB} MB): ${importPeak < LIMIT_MB && exportPeak < LIMIT_MB ? "OK" : "OVER"}`,
    ].join("\n")}\n`,
  );
  if (importPeak >= LIMIT_MB || exportPeak >= LIMIT_MB) process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
