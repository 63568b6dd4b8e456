/**
 * `npm run bench:updates` — how many customer updates per second the real bot handles, end to
 * end: emulator → webhook HTTP → grammY → sessions/conversations in the database → replies.
 *
 * Baseline, measured in the same run against the same emulator: a bare grammY bot that answers
 * every message with one sendMessage. The ratio shows what our stack (database-backed state,
 * i18n, conversations) costs on top of Telegram plumbing itself. Customers are independent, so
 * updates go in concurrently, `CONCURRENCY` chats at a time.
 */
import { serve } from "@hono/node-server";
import { Bot, webhookCallback } from "grammy";
import { startApp } from "../app.ts";
import { parseConfig } from "../config.ts";
import { type DatabaseOptions, openDatabase } from "../core/db/database.ts";
import { silentLogger } from "../core/logger.ts";
import { createTelegramEmulator, type SimulatedUser } from "../emulator/index.ts";
import { freePort } from "../test/support/free-port.ts";

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 40);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const TOKEN = "123456789:BENCH-token-for-the-local-emulator";
/** BENCH_DATABASE_URL: an empty PostgreSQL database to measure on instead of in-memory PGlite. */
const databaseOptions: DatabaseOptions = process.env.BENCH_DATABASE_URL
  ? { kind: "postgres", url: process.env.BENCH_DATABASE_URL }
  : { kind: "pglite" };

/** Runs `journey` for every customer, CONCURRENCY at a time; returns updates per second. */
async function measure(
  users: SimulatedUser[],
  journey: (user: SimulatedUser) => Promise<number>,
): Promise<{ updates: number; seconds: number; perSecond: number }> {
  let updates = 0;
  const queue = [...users];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let user = queue.shift(); user; user = queue.shift()) {
        const handled = await journey(user);
        updates += handled;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { updates, seconds, perSecond: updates / seconds };
}

async function baseline() {
  const emulator = createTelegramEmulator({ token: TOKEN });
  const { apiRoot } = await emulator.start();
  const bot = new Bot(TOKEN, { botInfo: emulator.botInfo, client: { apiRoot } });
  bot.on("message", (ctx) => ctx.reply("ok"));
  bot.on("callback_query", (ctx) => ctx.answerCallbackQuery());
  const port = await freePort();
  const server = serve({ fetch: webhookCallback(bot, "std/http"), hostname: "127.0.0.1", port });
  await bot.api.setWebhook(`http://127.0.0.1:${port}/`);
  const users = Array.from({ length: CUSTOMERS }, (_, i) =>
    emulator.user({ id: 10_000 + i, first_name: "B" }),
  );
  // Same number of updates per customer as the onboarding journey below.
  const result = await measure(users, async (user) => {
    for (let i = 0; i < 6; i++) await user.sendText(`message ${i}`);
    return 6;
  });
  server.close();
  await emulator.stop();
  return result;
}

async function onboarding() {
  const emulator = createTelegramEmulator({ token: TOKEN });
  const { apiRoot } = await emulator.start();
  const database = await openDatabase(databaseOptions);
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
  });
  const users = Array.from({ length: CUSTOMERS }, (_, i) =>
    emulator.user({
      id: 20_000 + i,
      first_name: "Бенч",
      phone_number: `+7999${String(i).padStart(7, "0")}`,
    }),
  );
  const result = await measure(users, async (user) => {
    await user.sendCommand("/start", "src_bench");
    await user.pressButton({ data: "consent:yes" });
    await user.pressButton({ data: "marketing:yes" });
    await user.pressButton({ data: "name:keep" });
    await user.pressReplyButton("📱 Поделиться номером");
    await user.sendText("25.12.1990");
    return 6;
  });
  const cards = await database.prisma.loyaltyCard.count();
  await app.stop();
  await database.close();
  await emulator.stop();
  if (cards !== CUSTOMERS) throw new Error(`expected ${CUSTOMERS} cards, found ${cards}`);
  return result;
}

const base = await baseline();
const ours = await onboarding();
const line = (name: string, r: { updates: number; seconds: number; perSecond: number }) =>
  `${name.padEnd(34)} ${String(r.updates).padStart(5)} updates  ${r.seconds.toFixed(2).padStart(6)} s  ${r.perSecond.toFixed(1).padStart(7)} updates/s`;
console.log(
  `customers: ${CUSTOMERS}, concurrency: ${CONCURRENCY}, database: ${databaseOptions.kind === "pglite" ? "PGlite (in memory)" : "PostgreSQL"}`,
);
console.log(line("baseline: bare grammY echo", base));
console.log(line("onboarding: /start → card", ours));
console.log(`ratio onboarding/baseline: ${(ours.perSecond / base.perSecond).toFixed(3)}`);
