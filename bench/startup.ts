/**
 * `npm run bench:startup` — how fast the app is ready and how much memory it holds, started
 * the way a supervisor starts it: `node dist/main.js` (built first), with a bot token and the
 * Bot API root pointing at an emulator run by this script, long polling.
 *
 * For each case: time from spawn to the first 200 from /healthz (which answers 200 only once
 * the bot takes updates), then a few customers onboard, and the resident memory (VmRSS) is
 * read 10 s after the last update; then SIGTERM, which must end the process with code 0.
 * Cases: PGlite in a new data directory, PGlite with existing data, PostgreSQL (a fresh
 * database, then the same one again). Baseline, measured in the same run: a bare node process
 * answering HTTP on the same port scheme (the floor of any Node.js service on this machine).
 * Rounds interleave the cases; figures are the median with min–max.
 *
 * BENCH_DATABASE_URL names the PostgreSQL server (default: the local one, trust auth);
 * BENCH_ROUNDS (3), BENCH_CUSTOMERS (3), BENCH_IDLE_SECONDS (10).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTelegramEmulator, type SimulatedUser } from "../emulator/index.ts";
import { fromProjectRoot } from "../project-root.ts";
import { freePort } from "../test/support/free-port.ts";
import { machineLine } from "./lib/machine.ts";
import { freshPostgresDatabase } from "./lib/postgres-database.ts";
import { spread } from "./lib/stats.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 3);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 10);
const SERVER_URL =
  process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const TOKEN = "123456789:STARTUP-bench-token-for-the-emulator";

type Run = { readyMs: number; rssMb: number; stopMs: number; exitCode: number | null };

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

async function waitHealthy(url: string, child: ChildProcess, output: () => string) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${output()}`);
    const ok = await fetch(url)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A customer goes from /start to their card; under polling, each reply is awaited. */
async function onboard(user: SimulatedUser): Promise<void> {
  const step = async (action: () => Promise<unknown>, expected: string) => {
    const reply = user.waitForMessage((m) => (m.text ?? m.caption ?? "").includes(expected), {
      timeoutMs: 15_000,
    });
    await action();
    await reply;
  };
  await step(() => user.sendCommand("/start"), "согласие");
  await step(() => user.pressButton({ data: "consent:yes" }), "Присылать");
  await step(() => user.pressButton({ data: "marketing:yes" }), "Как к вам обращаться");
  await step(() => user.pressButton({ data: "name:keep" }), "Поделитесь номером");
  await step(() => user.pressReplyButton("📱 Поделиться номером"), "день рождения");
  await step(() => user.sendText("25.12.1990"), "Баланс");
}

async function measureApp(
  env: Record<string, string>,
  emulator: ReturnType<typeof createTelegramEmulator>,
  apiRoot: string,
  userIds: { next: number },
): Promise<Run> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [fromProjectRoot("dist", "main.js")], {
    cwd: fromProjectRoot(),
    env: {
      PATH: process.env.PATH ?? "",
      BOT_TOKEN: TOKEN,
      BOT_API_ROOT: apiRoot,
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  try {
    await waitHealthy(`http://127.0.0.1:${port}/healthz`, child, () => output);
    const readyMs = performance.now() - started;
    for (let i = 0; i < CUSTOMERS; i++) {
      const id = userIds.next++;
      await onboard(
        emulator.user({ id, first_name: "Старт", phone_number: `+7996${String(id).slice(-7)}` }),
      );
    }
    return { readyMs, ...(await idleThenStop(child, IDLE_SECONDS * 1000)) };
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

/** Resident memory after `idleMs` of quiet, then SIGTERM: how long the exit took, with what code. */
async function idleThenStop(child: ChildProcess, idleMs: number): Promise<Omit<Run, "readyMs">> {
  await new Promise((r) => setTimeout(r, idleMs));
  const rss = await rssMb(child.pid as number);
  const stopping = performance.now();
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const [code] = (await exited) as [number | null];
  return { rssMb: rss, stopMs: performance.now() - stopping, exitCode: code };
}

/** The floor: a bare node process answering HTTP 200, started and measured the same way. */
async function measureBareNode(): Promise<Run> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      "-e",
      `require("node:http").createServer((q, s) => s.end("ok")).listen(${port}, "127.0.0.1"); process.on("SIGTERM", () => process.exit(0));`,
    ],
    { stdio: "ignore" },
  );
  try {
    await waitHealthy(`http://127.0.0.1:${port}/`, child, () => "");
    const readyMs = performance.now() - started;
    return { readyMs, ...(await idleThenStop(child, 1000)) };
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

execFileSync(process.execPath, [fromProjectRoot("scripts", "build.mjs"), "--quiet"], {
  stdio: "inherit",
});
const emulator = createTelegramEmulator({ token: TOKEN });
const { apiRoot } = await emulator.start();
const userIds = { next: 30_000_000 };
const cases = [
  "node (bare)",
  "PGlite, new data",
  "PGlite, with data",
  "PostgreSQL, new",
  "PostgreSQL",
];
const results = new Map<string, Run[]>(cases.map((c) => [c, []]));
const cleanups: Array<() => Promise<unknown>> = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    process.stdout.write(`round ${round} of ${ROUNDS}…\n`);
    (results.get("node (bare)") as Run[]).push(await measureBareNode());

    const dataDir = await mkdtemp(join(tmpdir(), "loyalty-startup-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    (results.get("PGlite, new data") as Run[]).push(
      await measureApp({ DATA_DIR: dataDir }, emulator, apiRoot, userIds),
    );
    (results.get("PGlite, with data") as Run[]).push(
      await measureApp({ DATA_DIR: dataDir }, emulator, apiRoot, userIds),
    );

    const database = await freshPostgresDatabase(SERVER_URL);
    cleanups.push(() => database.drop());
    (results.get("PostgreSQL, new") as Run[]).push(
      await measureApp({ DATABASE_URL: database.url }, emulator, apiRoot, userIds),
    );
    (results.get("PostgreSQL") as Run[]).push(
      await measureApp({ DATABASE_URL: database.url }, emulator, apiRoot, userIds),
    );
  }
} finally {
  for (const cleanup of cleanups) await cleanup().catch(() => {});
  await emulator.stop();
}

const bare = results.get("node (bare)") as Run[];
const lines = [
  "",
  `bench:startup — ${machineLine()}`,
  `node dist/main.js with a bot token, long polling against an emulator; ${ROUNDS} interleaved rounds, median (min–max); RSS ${IDLE_SECONDS} s after ${CUSTOMERS} customers onboarded`,
  "",
  `${"case".padEnd(20)} ${"to healthy, s".padStart(20)} ${"÷ bare node".padStart(20)} ${"RSS, MB".padStart(20)} ${"SIGTERM → exit, s".padStart(20)}  exit codes`,
];
for (const [name, runs] of results) {
  const ratios = runs.map((r, i) => r.readyMs / (bare[i] as Run).readyMs);
  lines.push(
    [
      name.padEnd(20),
      spread(
        runs.map((r) => r.readyMs / 1000),
        2,
      ).padStart(20),
      spread(ratios, 1).padStart(20),
      spread(
        runs.map((r) => r.rssMb),
        0,
      ).padStart(20),
      spread(
        runs.map((r) => r.stopMs / 1000),
        2,
      ).padStart(20),
      ` ${runs.map((r) => r.exitCode).join(",")}`,
    ].join(" "),
  );
}
lines.push(
  "",
  "targets (issue 8): to healthy ≤ 1.5 s on PostgreSQL, ≤ 2.5 s on PGlite with data; RSS ≤ 130 MB on PostgreSQL, ≤ 250 MB on PGlite; exit code 0 on SIGTERM",
  "",
);
process.stdout.write(lines.join("\n"));
if ([...results.values()].flat().some((r) => r.exitCode !== 0)) process.exitCode = 1;
