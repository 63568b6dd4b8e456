/**
 * `npm run bench:clicks` — a wave of button presses under a sent campaign, handled by the real
 * bot, next to a bare grammY bot answering every callback query, in the same run.
 *
 * Setup: BENCH_CLICKS customers (10,000) and a sent campaign to each of them, written with SQL
 * (test/support/campaign-rows.ts); each customer's chat gets the campaign message with its
 * callback buttons `cmp:<delivery>:<i>` (sent through the Bot API, so the emulator knows the
 * buttons). The bare bot's users get the same messages from their own emulator.
 *
 * Method: a warm-up wave on both sides, then BENCH_ROUNDS rounds (3); in each round every
 * customer presses button i once (i = the round, so each press is a first click that writes
 * its row), BENCH_CONCURRENCY (100) presses in flight, the bare bot and the real one taking
 * turns every BENCH_CHUNK (1,000) presses so that a busy moment of a shared machine hits both
 * alike. Webhook updates are posted by the emulators (40 connections each, Telegram's default).
 * Reported: updates/s per side, median (min–max) of the rounds, the ratio of the same round,
 * CPU per update and SQL statements per press; exit 1 when the median ratio is below 0.5.
 *
 * Database: in-memory PGlite, or PostgreSQL when BENCH_DATABASE_URL names a server (a fresh
 * database is created next to it and dropped afterwards).
 */
import { serve } from "@hono/node-server";
import { Api, Bot, InlineKeyboard, webhookCallback } from "grammy";
import { startApp } from "../app.ts";
import { parseConfig } from "../config.ts";
import { type DatabaseOptions, openDatabase } from "../core/db/database.ts";
import type { Sql } from "../core/db/sql.ts";
import { silentLogger } from "../core/logger.ts";
import { createTelegramEmulator, type TelegramEmulator } from "../emulator/index.ts";
import {
  insertCampaign,
  insertDeliveries,
  insertManyRecipients,
} from "../test/support/campaign-rows.ts";
import { freePort } from "../test/support/free-port.ts";
import { machineLine } from "./lib/machine.ts";
import { freshPostgresDatabase } from "./lib/postgres-database.ts";
import { median, percentile, spread } from "./lib/stats.ts";

const CLICKS = Number(process.env.BENCH_CLICKS ?? 10_000);
const WARMUP = Number(process.env.BENCH_WARMUP_CLICKS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);
/** Presses per turn of each side within a wave. */
const CHUNK = Number(process.env.BENCH_CHUNK ?? 1_000);
const TARGET = 0.5;
const TOKEN = "123456789:BENCH-token-for-the-local-emulator";
const FIRST_TELEGRAM_ID = 30_000_000;
/** One button per round and one for the warm-up: each press of a wave is a first click. */
const BUTTONS = ROUNDS + 1;

type Presser = { telegramId: number; deliveryId: string };
type Sample = {
  updates: number;
  seconds: number;
  cpuMs: number;
  statements: number;
  latencies: number[];
};

let statements = 0;

/** Sends every presser's chat the campaign message with its buttons (what the dispatcher does). */
async function deliverMessages(
  emulator: TelegramEmulator,
  apiRoot: string,
  pressers: readonly Presser[],
) {
  // They started the bot long ago: their chats exist without an update.
  emulator.openChats(pressers.map((p) => ({ id: p.telegramId, first_name: "Гость" })));
  const api = new Api(TOKEN, { apiRoot });
  let next = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < pressers.length) {
        const presser = pressers[next++] as Presser;
        const keyboard = new InlineKeyboard();
        for (let i = 0; i < BUTTONS; i++) {
          keyboard.text(`👍 ${i}`, `cmp:${presser.deliveryId}:${i}`).row();
        }
        await api.sendMessage(presser.telegramId, "Скидка 20% до воскресенья", {
          reply_markup: keyboard,
        });
      }
    }),
  );
}

/** Presses of button `index` by `pressers`, CONCURRENCY at a time; adds to `sample`. */
async function press(
  emulator: TelegramEmulator,
  pressers: readonly Presser[],
  index: number,
  sample: Sample,
): Promise<void> {
  const cpuBefore = process.cpuUsage();
  const statementsBefore = statements;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < pressers.length) {
        const presser = pressers[next++] as Presser;
        const user = emulator.user({ id: presser.telegramId, first_name: "Гость" });
        const t = performance.now();
        await user.pressButton({ data: `cmp:${presser.deliveryId}:${index}` });
        sample.latencies.push(performance.now() - t);
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  sample.updates += pressers.length;
  sample.seconds += (performance.now() - started) / 1000;
  sample.cpuMs += (cpu.user + cpu.system) / 1000;
  sample.statements += statements - statementsBefore;
}

const emptySample = (): Sample => ({
  updates: 0,
  seconds: 0,
  cpuMs: 0,
  statements: 0,
  latencies: [],
});

/**
 * A wave: every presser presses button `index` once on each side. The machine may be busy
 * with other work: the two sides take turns in slices of CHUNK presses, so that a busy moment
 * hits both alike.
 */
async function wave(
  sides: { baseline: TelegramEmulator; product: TelegramEmulator },
  pressers: readonly Presser[],
  index: number,
): Promise<{ baseline: Sample; product: Sample }> {
  const result = { baseline: emptySample(), product: emptySample() };
  for (let from = 0; from < pressers.length; from += CHUNK) {
    const slice = pressers.slice(from, from + CHUNK);
    await press(sides.baseline, slice, index, result.baseline);
    await press(sides.product, slice, index, result.product);
  }
  return result;
}

async function startBaseline(pressers: readonly Presser[]) {
  const emulator = createTelegramEmulator({ token: TOKEN });
  const { apiRoot } = await emulator.start();
  const bot = new Bot(TOKEN, { botInfo: emulator.botInfo, client: { apiRoot } });
  bot.on("callback_query", (ctx) => ctx.answerCallbackQuery());
  const port = await freePort();
  const server = serve({ fetch: webhookCallback(bot, "std/http"), hostname: "127.0.0.1", port });
  await bot.api.setWebhook(`http://127.0.0.1:${port}/`);
  await deliverMessages(emulator, apiRoot, pressers);
  return {
    emulator,
    async stop() {
      server.close();
      await emulator.stop();
    },
  };
}

/** The customers, the sent campaign and its deliveries, in a few statements. */
async function seed(sql: Sql): Promise<Presser[]> {
  await insertManyRecipients(sql, { firstTelegramId: FIRST_TELEGRAM_ID, count: CLICKS });
  const campaignId = await insertCampaign(sql, {
    name: "bench:clicks",
    status: "SENT",
    message: {
      text: { ru: "Скидка 20% до воскресенья" },
      buttons: Array.from({ length: BUTTONS }, (_, i) => ({
        text: { ru: `👍 ${i}` },
        action: "ok" as const,
      })),
    },
  });
  await insertDeliveries(sql, {
    campaignId,
    telegramIds: { from: FIRST_TELEGRAM_ID, to: FIRST_TELEGRAM_ID + CLICKS - 1 },
  });
  const rows = await sql.query<{ id: bigint; telegramId: bigint }>(
    `UPDATE "OutboxMessage" o SET "status" = 'SENT', "sentAt" = now() AT TIME ZONE 'UTC'
     FROM "Customer" c
     WHERE o."campaignId" = $1 AND c."id" = o."customerId"
     RETURNING o."id", c."telegramId"`,
    [campaignId],
  );
  return rows
    .map((row) => ({ telegramId: Number(row.telegramId), deliveryId: row.id.toString() }))
    .sort((a, b) => a.telegramId - b.telegramId);
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
  });
  const app = await startApp(config, {
    database,
    logger: silentLogger(),
    botInfo: emulator.botInfo,
    // The campaign is sent already: the outbox's idle polls stay out of the counts.
    dispatcher: { pollMs: 3_600_000 },
  });
  const pressers = await seed(database.sql);
  await deliverMessages(emulator, apiRoot, pressers);
  const clicks = async () =>
    Number(
      (await database.sql.query<{ n: string }>(`SELECT count(*) AS "n" FROM "CampaignClick"`))[0]
        ?.n ?? 0,
    );
  return {
    emulator,
    pressers,
    clicks,
    async stop() {
      await app.stop();
      await database.close();
      await emulator.stop();
    },
  };
}

function row(name: string, samples: Sample[], baseline: Sample[] | null): string {
  const rates = samples.map((s) => s.updates / s.seconds);
  const ratios = baseline
    ? samples.map(
        (s, i) =>
          s.updates /
          s.seconds /
          ((baseline[i] as Sample).updates / (baseline[i] as Sample).seconds),
      )
    : null;
  const latencies = samples.flatMap((s) => s.latencies);
  return [
    name.padEnd(10),
    spread(rates, 0).padStart(20),
    (ratios ? spread(ratios, 3) : "1").padStart(24),
    spread(
      samples.map((s) => s.cpuMs / s.updates),
      3,
    ).padStart(22),
    spread(
      samples.map((s) => s.statements / s.updates),
      2,
    ).padStart(18),
    percentile(latencies, 50).toFixed(1).padStart(8),
    percentile(latencies, 99).toFixed(1).padStart(8),
  ].join(" ");
}

const serverUrl = process.env.BENCH_DATABASE_URL;
const postgres = serverUrl ? await freshPostgresDatabase(serverUrl) : null;
const databaseOptions: DatabaseOptions = postgres
  ? { kind: "postgres", url: postgres.url }
  : { kind: "pglite" };

process.stdout.write(`seeding ${CLICKS} customers, a sent campaign and its messages…\n`);
const product = await startProduct(databaseOptions);
const baseline = await startBaseline(product.pressers);
let exitCode = 0;
try {
  process.stdout.write(`warming up (${WARMUP} presses each)…\n`);
  const sides = { baseline: baseline.emulator, product: product.emulator };
  await wave(sides, product.pressers.slice(0, WARMUP), ROUNDS);

  const results = { baseline: [] as Sample[], product: [] as Sample[] };
  for (let round = 0; round < ROUNDS; round++) {
    process.stdout.write(`round ${round + 1} of ${ROUNDS}: ${CLICKS} presses each…\n`);
    const sample = await wave(sides, product.pressers, round);
    results.baseline.push(sample.baseline);
    results.product.push(sample.product);
  }
  const clicks = await product.clicks();
  const expected = Math.min(WARMUP, CLICKS) + CLICKS * ROUNDS;

  const ratio = median(
    results.product.map(
      (s, i) =>
        s.updates /
        s.seconds /
        ((results.baseline[i] as Sample).updates / (results.baseline[i] as Sample).seconds),
    ),
  );
  const database = postgres ? "PostgreSQL (local server, fresh database)" : "PGlite (in memory)";
  process.stdout.write(
    [
      "",
      `bench:clicks — ${machineLine()}`,
      `database: ${database}; ${CLICKS} customers, one press each per wave, ${CONCURRENCY} in flight, the two bots taking turns every ${CHUNK} presses; ${ROUNDS} rounds after a ${WARMUP}-press warm-up; median (min–max) of the rounds`,
      "",
      `${"bot".padEnd(10)} ${"updates/s".padStart(20)} ${"÷ bare bot (same round)".padStart(24)} ${"CPU ms/update".padStart(22)} ${"SQL/update".padStart(18)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)}`,
      row("bare bot", results.baseline, null),
      row("real bot", results.product, results.baseline),
      "",
      `clicks recorded: ${clicks} of ${expected} presses (each a first press of its button)`,
      `target (issue 12): real ÷ bare ≥ ${TARGET} — ${ratio >= TARGET && clicks === expected ? "met" : "NOT MET"} (${ratio.toFixed(3)})`,
      "",
    ].join("\n"),
  );
  if (ratio < TARGET || clicks !== expected) exitCode = 1;
} finally {
  await product.stop();
  await baseline.stop();
  await postgres?.drop();
}
process.exit(exitCode);
