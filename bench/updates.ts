/**
 * `npm run bench:updates` — how many customer updates per second the real bot handles, end to
 * end: emulator → webhook HTTP → grammY → database → replies, next to a bare grammY bot on the
 * same kind of emulator measured in the same run.
 *
 * Method: both sides warm up first; then three rounds, each running the baseline, onboarding
 * and menu presses for at least BENCH_SECONDS apiece, one after the other, so that a slow
 * moment of the machine hits all of them alike. Reported per journey: the median of the rounds
 * with min–max, the ratio to the baseline of the same round, CPU milliseconds per update (this
 * whole process: emulator, simulated customers and bot; PostgreSQL's own processes apart),
 * SQL statements per update counted at the driver (BEGIN and COMMIT included) and latency
 * percentiles of single updates.
 *
 * Journeys, BENCH_CONCURRENCY customers at a time:
 * - onboarding: /start → consent → offers → name → phone (contact button) → birthday → card
 * - menu: an onboarded customer presses the six buttons of the main menu
 * Baseline: a bare grammY bot that answers every message with one sendMessage.
 *
 * Database: in-memory PGlite, or PostgreSQL when BENCH_DATABASE_URL names a server (a fresh
 * database is created next to it and dropped afterwards).
 */
import { serve } from "@hono/node-server";
import { Bot, webhookCallback } from "grammy";
import { startApp } from "../app.ts";
import { parseConfig } from "../config.ts";
import { type DatabaseOptions, openDatabase } from "../core/db/database.ts";
import { silentLogger } from "../core/logger.ts";
import { createTelegramEmulator, type SimulatedUser } from "../emulator/index.ts";
import { freePort } from "../test/support/free-port.ts";
import { machineLine } from "./lib/machine.ts";
import { postgresCpuMs } from "./lib/postgres-cpu.ts";
import { freshPostgresDatabase } from "./lib/postgres-database.ts";
import { percentile, spread } from "./lib/stats.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
/** BENCH_JOURNEYS=onboarding (or menu) measures only that one next to the baseline (profiling). */
const JOURNEYS = (process.env.BENCH_JOURNEYS ?? "onboarding,menu").split(",");
const TOKEN = "123456789:BENCH-token-for-the-local-emulator";
const MENU = [
  "💳 Моя карта",
  "📜 История",
  "👤 Профиль",
  "🎁 Пригласить друга",
  "⚙️ Настройки",
  "🗂 Мои данные",
];

type Sample = {
  updates: number;
  seconds: number;
  cpuMs: number;
  dbCpuMs: number | null;
  statements: number;
  latencies: number[];
};

/** What one journey does for one customer; each step is one update, timed on its own. */
type Journey = (step: (action: () => Promise<unknown>) => Promise<void>) => Promise<void>;

let statements = 0;
const statementsByStep = new Map<string, number[]>();

/** Runs journeys CONCURRENCY at a time until `seconds` have passed. */
async function measure(seconds: number, nextJourney: () => Journey): Promise<Sample> {
  const latencies: number[] = [];
  let updates = 0;
  const cpuBefore = process.cpuUsage();
  const dbBefore = postgresCpuMs();
  const statementsBefore = statements;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        await nextJourney()(async (action) => {
          const t = performance.now();
          await action();
          latencies.push(performance.now() - t);
          updates++;
        });
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const dbAfter = postgresCpuMs();
  return {
    updates,
    seconds: elapsed,
    cpuMs: (cpu.user + cpu.system) / 1000,
    dbCpuMs: dbBefore !== null && dbAfter !== null ? dbAfter - dbBefore : null,
    statements: statements - statementsBefore,
    latencies,
  };
}

async function startBaseline() {
  const emulator = createTelegramEmulator({ token: TOKEN });
  const { apiRoot } = await emulator.start();
  const bot = new Bot(TOKEN, { botInfo: emulator.botInfo, client: { apiRoot } });
  bot.on("message", (ctx) => ctx.reply("ok"));
  bot.on("callback_query", (ctx) => ctx.answerCallbackQuery());
  const port = await freePort();
  const server = serve({ fetch: webhookCallback(bot, "std/http"), hostname: "127.0.0.1", port });
  await bot.api.setWebhook(`http://127.0.0.1:${port}/`);
  let nextId = 10_000_000;
  const journey = (): Journey => {
    const user = emulator.user({ id: nextId++, first_name: "B" });
    return async (step) => {
      for (let i = 0; i < 6; i++) await step(() => user.sendText(`message ${i}`));
    };
  };
  return {
    journey,
    async stop() {
      server.close();
      await emulator.stop();
    },
  };
}

async function startProduct(databaseOptions: DatabaseOptions) {
  const emulator = createTelegramEmulator({ token: TOKEN });
  const { apiRoot } = await emulator.start();
  const database = await openDatabase(databaseOptions, {
    onStatement: () => {
      statements++;
    },
  });
  const port = await freePort();
  const config = parseConfig({
    BOT_TOKEN: TOKEN,
    BOT_API_ROOT: apiRoot,
    HOST: "127.0.0.1",
    PORT: String(port),
    WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/webhook`,
    WEBHOOK_SECRET: "bench-webhook-secret-0123456789",
    ONBOARDING_QUESTIONS: "birthday",
  });
  const app = await startApp(config, {
    database,
    logger: silentLogger(),
    botInfo: emulator.botInfo,
    // These journeys queue nothing for the outbox; its idle polls stay out of the counts.
    dispatcher: { pollMs: 3_600_000 },
  });

  /** Runs one step and files its statement count under `name` (for the per-button table). */
  const counted = async (name: string, action: () => Promise<unknown>) => {
    const before = statements;
    await action();
    const list = statementsByStep.get(name) ?? [];
    list.push(statements - before);
    statementsByStep.set(name, list);
  };

  let nextId = 20_000_000;
  const onboarded: SimulatedUser[] = [];
  const onboarding = (): Journey => {
    const id = nextId++;
    const user = emulator.user({
      id,
      first_name: "Бенч",
      phone_number: `+7999${String(id).slice(-7)}`,
    });
    return async (step) => {
      await step(() => counted("/start", () => user.sendCommand("/start", "src_bench")));
      await step(() => counted("consent", () => user.pressButton({ data: "consent:yes" })));
      await step(() => counted("offers", () => user.pressButton({ data: "marketing:yes" })));
      await step(() => counted("name", () => user.pressButton({ data: "name:keep" })));
      await step(() => counted("phone", () => user.pressReplyButton("📱 Поделиться номером")));
      await step(() => counted("birthday → card", () => user.sendText("25.12.1990")));
      onboarded.push(user);
    };
  };
  let menuTurn = 0;
  const menu = (): Journey => {
    // Customers take turns; one customer is never pressed by two journeys at once.
    const user = onboarded[menuTurn++ % onboarded.length] as SimulatedUser;
    return async (step) => {
      for (const label of MENU)
        await step(() => counted(label, () => user.pressReplyButton(label)));
    };
  };
  return {
    onboarding,
    menu,
    onboardedCount: () => onboarded.length,
    async stop() {
      await app.stop();
      await database.close();
      await emulator.stop();
    },
  };
}

function formatRow(name: string, samples: Sample[], baseline: Sample[] | null): string {
  // The baseline uses no database; PGlite's work is inside this process's CPU already.
  const rates = samples.map((s) => s.updates / s.seconds);
  const ratios = baseline
    ? samples.map(
        (s, i) =>
          s.updates /
          s.seconds /
          ((baseline[i] as Sample).updates / (baseline[i] as Sample).seconds),
      )
    : null;
  const cpu = samples.map((s) => s.cpuMs / s.updates);
  const db =
    samples.every((s) => s.dbCpuMs !== null) && baseline && postgres
      ? spread(
          samples.map((s) => (s.dbCpuMs as number) / s.updates),
          2,
        )
      : "—";
  const sql = samples.map((s) => s.statements / s.updates);
  const latencies = samples.flatMap((s) => s.latencies);
  return [
    name.padEnd(12),
    spread(rates, 0).padStart(18),
    (ratios ? spread(ratios, 3) : "1").padStart(22),
    spread(cpu, 2).padStart(19),
    db.padStart(19),
    spread(sql, 2).padStart(17),
    percentile(latencies, 50).toFixed(1).padStart(8),
    percentile(latencies, 99).toFixed(1).padStart(8),
  ].join(" ");
}

const serverUrl = process.env.BENCH_DATABASE_URL;
const postgres = serverUrl ? await freshPostgresDatabase(serverUrl) : null;
const databaseOptions: DatabaseOptions = postgres
  ? { kind: "postgres", url: postgres.url }
  : { kind: "pglite" };

const baseline = await startBaseline();
const product = await startProduct(databaseOptions);
try {
  process.stdout.write(`warming up (${WARMUP_SECONDS} s each)…\n`);
  await measure(WARMUP_SECONDS, baseline.journey);
  await measure(WARMUP_SECONDS, product.onboarding);
  if (JOURNEYS.includes("menu")) await measure(WARMUP_SECONDS, product.menu);
  statementsByStep.clear();

  // Statements by step, counted with one customer at a time so no other update is in flight.
  await product.onboarding()((action) => action().then(() => {}));
  await product.menu()((action) => action().then(() => {}));
  const census = new Map(statementsByStep);
  statementsByStep.clear();

  const results = { baseline: [] as Sample[], onboarding: [] as Sample[], menu: [] as Sample[] };
  for (let round = 1; round <= ROUNDS; round++) {
    process.stdout.write(`round ${round} of ${ROUNDS}…\n`);
    results.baseline.push(await measure(SECONDS, baseline.journey));
    if (JOURNEYS.includes("onboarding")) {
      results.onboarding.push(await measure(SECONDS, product.onboarding));
    }
    if (JOURNEYS.includes("menu")) results.menu.push(await measure(SECONDS, product.menu));
  }

  const database = postgres ? "PostgreSQL (local server, fresh database)" : "PGlite (in memory)";
  process.stdout.write(
    [
      "",
      `bench:updates — ${machineLine()}`,
      `database: ${database}; ${CONCURRENCY} customers at a time; ${ROUNDS} interleaved rounds of ≥ ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up; median (min–max) of the rounds`,
      "",
      `${"journey".padEnd(12)} ${"updates/s".padStart(18)} ${"÷ baseline (same round)".padStart(22)} ${"CPU ms/update".padStart(19)} ${"DB server ms/upd.".padStart(19)} ${"SQL/update".padStart(17)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)}`,
      formatRow("baseline", results.baseline, null),
      ...(results.onboarding.length
        ? [formatRow("onboarding", results.onboarding, results.baseline)]
        : []),
      ...(results.menu.length ? [formatRow("menu", results.menu, results.baseline)] : []),
      "",
      "SQL statements per update, by step (one customer at a time):",
      ...[...census].map(([name, counts]) => `  ${name.padEnd(22)} ${counts.join(", ")}`),
      "",
      `targets (issue 8): onboarding ÷ baseline ≥ 0.25 on PostgreSQL, ≥ 0.15 on PGlite; menu ≥ 0.5; SQL per update: onboarding ≤ 5, "My card" ≤ 2, other menu buttons ≤ 3`,
      "",
    ].join("\n"),
  );
} finally {
  await product.stop();
  await baseline.stop();
  await postgres?.drop();
}
