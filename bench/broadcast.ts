/**
 * `npm run bench:broadcast` — a campaign's deliveries through the outbox dispatcher
 * (bot/dispatcher.ts) to the Telegram emulator, on PostgreSQL.
 *
 * (a) Throughput with the pace off (OUTBOX_RATE=off): BENCH_RECIPIENTS (100,000) customers with
 *     a campaign row each; a child process runs the dispatcher (claims, per-recipient rendering
 *     with placeholders, an Unsubscribe button, the outcomes recorded per batch) until the
 *     campaign is SENT. Baseline in the same rounds: a child process sending the same number of
 *     sendMessage calls over keep-alive connections with the same number in flight (16) and
 *     nothing else. Each run gets a fresh emulator (in this process, calls not recorded) with
 *     the recipients' chats open. A warm-up round of BENCH_WARMUP recipients, then BENCH_ROUNDS
 *     rounds alternating which of the two goes first. Reported: messages/s (median and range),
 *     the ratio dispatcher ÷ raw of each round (target ≥ 0.5), and the dispatcher process's
 *     peak RSS (getrusage; target < 300 MB).
 * (b) The pace: the emulator answers 429 above 30 sends a second (Telegram's broadcast limit)
 *     and OUTBOX_RATE=25. For BENCH_RATE_SECONDS (60) after the first message, messages per
 *     second as the emulator counted them must stay within 5 % of 25, with no 429.
 *
 * BENCH_DATABASE_URL names the server (default: the local one CI uses). Exits 1 when a target
 * is missed.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Api } from "grammy";
import { Agent, request } from "undici";
import { startDispatcher } from "../bot/dispatcher.ts";
import { createBotApiFetch } from "../bot/http-client.ts";
import { createI18n } from "../bot/i18n.ts";
import { parseConfig } from "../config.ts";
import { analyzeAfterLaunch } from "../core/campaigns/materialise.ts";
import { openDatabase } from "../core/db/database.ts";
import { silentLogger } from "../core/logger.ts";
import { LoyaltySettingsSchema } from "../core/loyalty/settings.ts";
import { createTelegramEmulator, type TelegramEmulator } from "../emulator/index.ts";
import {
  insertCampaign,
  insertDeliveries,
  insertManyRecipients,
} from "../test/support/campaign-rows.ts";
import { machineLine } from "./lib/machine.ts";
import { freshPostgresDatabase } from "./lib/postgres-database.ts";
import { median, spread } from "./lib/stats.ts";

const SERVER = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? Math.min(5_000, RECIPIENTS));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 60);
const IN_FLIGHT = 16;
const FIRST_TELEGRAM_ID = 5_000_000;
const TOKEN = "123456:BENCH";

type DispatchJob = {
  mode: "dispatch";
  databaseUrl: string;
  apiRoot: string;
  campaignId: string;
  rate: string;
  /** Paced runs stop after this long; unpaced ones when the campaign is SENT. */
  stopAfterMs?: number;
};
type RawJob = { mode: "raw"; apiRoot: string; count: number };
type Job = DispatchJob | RawJob;
type JobResult = { elapsedMs: number; maxRssMb: number };

// ───────────────────────────── child processes ─────────────────────────────

async function runDispatch(job: DispatchJob): Promise<JobResult> {
  const database = await openDatabase({ kind: "postgres", url: job.databaseUrl, poolSize: 4 });
  const http = createBotApiFetch({ attempts: 0, maxRetryAfterSeconds: 0, firstBackoffMs: 0 });
  const i18n = createI18n("ru");
  // Every round messages the same customers again: no frequency cap here.
  const settings = LoyaltySettingsSchema.parse({ campaigns: { frequencyCapHours: 0 } });
  const started = performance.now();
  const dispatcher = startDispatcher({
    sql: database.sql,
    api: new Api(TOKEN, { apiRoot: job.apiRoot, fetch: http.fetch, timeoutSeconds: 30 }),
    translate: (locale, key, vars) => i18n.t(locale, key, vars),
    config: parseConfig({
      OUTBOX_RATE: job.rate,
      QUIET_HOURS: "off",
      CUSTOMER_DAILY_MESSAGES: "100",
    }),
    loyalty: { get: async () => settings },
    logger: silentLogger(),
    pollMs: 50,
  });
  let elapsedMs: number;
  if (job.stopAfterMs !== undefined) {
    await new Promise((resolve) => setTimeout(resolve, job.stopAfterMs));
    elapsedMs = performance.now() - started;
  } else {
    for (;;) {
      const [row] = await database.sql.query<{ status: string }>(
        `SELECT "status"::text AS "status" FROM "Campaign" WHERE "id" = $1`,
        [job.campaignId],
      );
      if (row?.status === "SENT") break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    elapsedMs = performance.now() - started;
  }
  await dispatcher.stop();
  await http.close();
  await database.close();
  return { elapsedMs, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** The baseline: sendMessage over keep-alive connections, IN_FLIGHT at a time, nothing else. */
async function runRaw(job: RawJob): Promise<JobResult> {
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const url = `${job.apiRoot}/bot${TOKEN}/sendMessage`;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < job.count) {
        const i = next++;
        const response = await request(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ chat_id: FIRST_TELEGRAM_ID + i, text: `Привет, гость! ${i}` }),
          dispatcher: agent,
        });
        const answer = (await response.body.json()) as { ok: boolean };
        if (!answer.ok) throw new Error("the emulator refused a raw sendMessage");
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  await agent.close();
  return { elapsedMs, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

function inChild(job: Job): Promise<JobResult> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ["--worker"], {
    execArgv: [
      "--import",
      "tsx",
      ...(process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir=/tmp/prof"] : []),
    ],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (result) => resolve(result as JobResult));
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`bench worker exited with ${code}`));
    });
    child.send(job);
  });
}

// ───────────────────────────── the benchmark ─────────────────────────────

async function freshEmulator(count: number): Promise<TelegramEmulator> {
  const emulator = createTelegramEmulator({ token: TOKEN, recordCalls: false });
  await emulator.start();
  emulator.openChats(
    Array.from({ length: count }, (_, i) => ({ id: FIRST_TELEGRAM_ID + i, first_name: "Гость" })),
  );
  return emulator;
}

const totalSent = (emulator: TelegramEmulator) => {
  let total = 0;
  for (const count of emulator.sentCounts().values()) total += count;
  return total;
};

async function main() {
  console.log(`bench:broadcast — ${machineLine()}`);
  const { url, drop } = await freshPostgresDatabase(SERVER);
  const database = await openDatabase({ kind: "postgres", url, poolSize: 2 });
  const failures: string[] = [];
  try {
    const most = Math.max(RECIPIENTS, WARMUP, Math.ceil(RATE_SECONDS * 25 * 1.3) + 100);
    const seeding = performance.now();
    await insertManyRecipients(database.sql, { firstTelegramId: FIRST_TELEGRAM_ID, count: most });
    console.log(
      `seeded ${most} customers in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
    );

    const message = {
      text: {
        ru: "{first_name|Дорогой гость}, у вас {points} баллов на карте {card}. Скидка 20% до воскресенья!",
      },
      buttons: [{ text: { ru: "Подробнее" }, url: "https://shop.example/sale" }],
    };
    /** A campaign to the first `count` customers, its rows written, then SENDING. */
    const newCampaign = async (count: number) => {
      const campaignId = await insertCampaign(database.sql, { message, status: "PAUSED" });
      await insertDeliveries(database.sql, {
        campaignId,
        telegramIds: { from: FIRST_TELEGRAM_ID, to: FIRST_TELEGRAM_ID + count - 1 },
      });
      await database.sql.query(`UPDATE "Campaign" SET "status" = 'SENDING' WHERE "id" = $1`, [
        campaignId,
      ]);
      // As a launch does after writing its rows (core/campaigns/materialise.ts).
      await analyzeAfterLaunch(database.sql, count);
      return campaignId;
    };

    const dispatchRun = async (count: number) => {
      const campaignId = await newCampaign(count);
      const emulator = await freshEmulator(count);
      try {
        const result = await inChild({
          mode: "dispatch",
          databaseUrl: url,
          apiRoot: emulator.apiRoot,
          campaignId,
          rate: "off",
        });
        const sent = totalSent(emulator);
        const duplicates = [...emulator.sentCounts().values()].filter((n) => n > 1).length;
        if (sent !== count || duplicates > 0) {
          failures.push(`dispatcher sent ${sent} of ${count} (${duplicates} chats twice)`);
        }
        return { perSecond: (count / result.elapsedMs) * 1000, rssMb: result.maxRssMb };
      } finally {
        await emulator.stop();
      }
    };
    const rawRun = async (count: number) => {
      const emulator = await freshEmulator(count);
      try {
        const result = await inChild({ mode: "raw", apiRoot: emulator.apiRoot, count });
        return (count / result.elapsedMs) * 1000;
      } finally {
        await emulator.stop();
      }
    };

    // (a) throughput, warm-up first.
    await rawRun(WARMUP);
    await dispatchRun(WARMUP);
    const dispatched: number[] = [];
    const raw: number[] = [];
    const ratios: number[] = [];
    const rss: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let d: { perSecond: number; rssMb: number };
      let r: number;
      if (round % 2 === 0) {
        r = await rawRun(RECIPIENTS);
        d = await dispatchRun(RECIPIENTS);
      } else {
        d = await dispatchRun(RECIPIENTS);
        r = await rawRun(RECIPIENTS);
      }
      dispatched.push(d.perSecond);
      raw.push(r);
      ratios.push(d.perSecond / r);
      rss.push(d.rssMb);
      console.log(
        `round ${round + 1}: dispatcher ${d.perSecond.toFixed(0)}/s, raw ${r.toFixed(0)}/s, ratio ${(d.perSecond / r).toFixed(2)}, peak RSS ${d.rssMb.toFixed(0)} MB`,
      );
    }

    // (b) the pace against flood control.
    const paceCount = Math.ceil(RATE_SECONDS * 25 * 1.3) + 100;
    const campaignId = await newCampaign(paceCount);
    const emulator = createTelegramEmulator({ token: TOKEN });
    await emulator.start();
    emulator.openChats(
      Array.from({ length: paceCount }, (_, i) => ({
        id: FIRST_TELEGRAM_ID + i,
        first_name: "Гость",
      })),
    );
    emulator.setRateLimit({ perSecond: 30 });
    let paced = { rate: 0, refused: 0 };
    try {
      const running = inChild({
        mode: "dispatch",
        databaseUrl: url,
        apiRoot: emulator.apiRoot,
        campaignId,
        rate: "25",
        stopAfterMs: RATE_SECONDS * 1000 + 5_000,
      });
      while (totalSent(emulator) === 0) await new Promise((r) => setTimeout(r, 5));
      const from = performance.now();
      const sentAtStart = totalSent(emulator);
      await new Promise((r) => setTimeout(r, RATE_SECONDS * 1000));
      const sent = totalSent(emulator) - sentAtStart;
      const seconds = (performance.now() - from) / 1000;
      paced = {
        rate: sent / seconds,
        refused: emulator.calls.filter((c) => c.fault === "429").length,
      };
      await running;
    } finally {
      await emulator.stop();
    }

    const ratio = median(ratios);
    const peak = Math.max(...rss);
    const paceOff = Math.abs(paced.rate - 25) / 25;
    if (ratio < 0.5) failures.push(`throughput ratio ${ratio.toFixed(2)} < 0.5`);
    if (peak >= 300) failures.push(`peak RSS ${peak.toFixed(0)} MB ≥ 300 MB`);
    if (paceOff > 0.05) failures.push(`pace ${paced.rate.toFixed(2)}/s is more than 5% off 25/s`);
    if (paced.refused > 0) failures.push(`${paced.refused} sends got 429 at OUTBOX_RATE=25`);

    console.log();
    console.log(`| measure | target | now |`);
    console.log(`| --- | --- | --- |`);
    console.log(
      `| ${RECIPIENTS.toLocaleString("en")} recipients, pace off: dispatcher messages/s | — | ${spread(dispatched, 0)} |`,
    );
    console.log(
      `| raw keep-alive sendMessage (${IN_FLIGHT} in flight) messages/s | — | ${spread(raw, 0)} |`,
    );
    console.log(`| dispatcher ÷ raw | ≥ 0.5 | **${spread(ratios, 2)}** |`);
    console.log(`| dispatcher process peak RSS | < 300 MB | **${spread(rss, 0)} MB** |`);
    console.log(
      `| OUTBOX_RATE=25 against 429 above 30/s, ${RATE_SECONDS} s | 25/s ± 5 %, no 429 | **${paced.rate.toFixed(2)}/s, ${paced.refused} × 429** |`,
    );
  } finally {
    await database.close();
    await drop();
  }
  if (failures.length > 0) {
    console.log(`\nMissed: ${failures.join("; ")}`);
    process.exit(1);
  }
}

if (process.argv[2] === "--worker") {
  process.once("message", (job: Job) => {
    (job.mode === "raw" ? runRaw(job) : runDispatch(job))
      .then((result) => process.send?.(result, () => process.exit(0)))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  });
} else {
  await main();
}
