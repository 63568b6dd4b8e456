import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createEmptyDatabase, testDbKind } from "../support/database.ts";
import { type RunningProcess, startMain } from "../support/process.ts";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.shift()?.();
});

function track(proc: RunningProcess): RunningProcess {
  cleanups.unshift(async () => {
    if (proc.child.exitCode === null) proc.child.kill("SIGKILL");
  });
  return proc;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "loyalty-main-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Module URLs a process started with `recordImports()` resolved, one per line. */
async function recordImports(): Promise<{
  nodeArgs: string[];
  env: Record<string, string>;
  urls: () => Promise<string[]>;
}> {
  const file = join(await tempDir(), "imports.txt");
  return {
    nodeArgs: [
      "--import",
      fileURLToPath(new URL("../support/record-imports.mjs", import.meta.url)),
    ],
    env: { RECORD_IMPORTS_FILE: file },
    urls: async () => (await readFile(file, "utf8").catch(() => "")).split("\n").filter(Boolean),
  };
}

/** What a process must not load unless a feature needs it. */
const optional = {
  pglite: /@electric-sql\/pglite/,
  prisma: /prisma\/generated|@prisma\/client|@prisma\/adapter/,
  qrcode: /\/qrcode\//,
};

async function talkThroughControlApi(emulatorUrl: string): Promise<string[]> {
  const sent = await fetch(`${emulatorUrl}/control/users/7001/command`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ command: "/start", first_name: "Тест", language_code: "ru" }),
  });
  expect(sent.status).toBe(200);
  const texts: string[] = [];
  for (let i = 0; i < 20 && texts.length < 2; i++) {
    const response = await fetch(`${emulatorUrl}/control/chats/7001/messages?after=0&wait=2`);
    const body = (await response.json()) as { events: Array<{ message: { text?: string } }> };
    texts.splice(0, texts.length, ...body.events.map((e) => e.message.text ?? ""));
  }
  return texts;
}

describe.runIf(testDbKind === "pglite")("npm start with no configuration", () => {
  it("comes up on PGlite with the emulator, answers /healthz and the bot, and stops cleanly on SIGTERM", async () => {
    const dataDir = await tempDir();
    const imports = await recordImports();
    const proc = track(
      startMain(
        { DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", EMULATOR_PORT: "0", ...imports.env },
        { nodeArgs: imports.nodeArgs },
      ),
    );
    const ready = await proc.waitForLog("ready");
    expect(ready).toMatchObject({ mode: "polling", database: "pglite" });
    expect(proc.stdout()).toContain("npm run chat");

    const health = await fetch(`${ready.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", database: "ok", updates: "polling" });

    const texts = await talkThroughControlApi(String(ready.emulatorUrl));
    expect(texts[0]).toContain("Здравствуйте!");
    // Starting up and greeting a customer loads neither Prisma's engine nor the QR renderer.
    const loaded = await imports.urls();
    expect(loaded.some((url) => optional.pglite.test(url))).toBe(true);
    expect(loaded.filter((url) => optional.prisma.test(url) || optional.qrcode.test(url))).toEqual(
      [],
    );

    proc.child.kill("SIGTERM");
    const { code } = await proc.exit(10_000);
    expect(code).toBe(0);
    await proc.waitForLog("stopped");
    expect(proc.stderr()).toBe("");
  });

  it("also stops cleanly on SIGINT (Ctrl+C)", async () => {
    const dataDir = await tempDir();
    const proc = track(
      startMain({ DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", EMULATOR_PORT: "0" }),
    );
    await proc.waitForLog("ready");
    proc.child.kill("SIGINT");
    expect((await proc.exit(10_000)).code).toBe(0);
  });

  it("shuts down with exit code 1 when Telegram stops giving it updates", async () => {
    const dataDir = await tempDir();
    const proc = track(
      startMain({ DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", EMULATOR_PORT: "0" }),
    );
    const ready = await proc.waitForLog("ready");
    // Another process taking the bot over with a webhook makes getUpdates answer 409 Conflict.
    const conflict = await fetch(`${ready.emulatorUrl}/bot123456:TEST/setWebhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: "http://127.0.0.1:9/elsewhere" }),
    });
    expect(conflict.status).toBe(200);
    const { code } = await proc.exit(20_000);
    expect(code).toBe(1);
    await proc.waitForLog("receiving updates stopped");
  });

  it("refuses bad configuration with one clear line per problem and exit code 78", async () => {
    const proc = track(
      startMain({
        PORT: "http",
        DATABASE_URL: "mysql://x",
        TIME_ZONE: "Moon/Base",
        BOT_TOKEN: "oops-secret",
      }),
    );
    const { code } = await proc.exit(15_000);
    expect(code).toBe(78);
    const lines = proc.stderr().trim().split("\n");
    expect(lines[0]).toBe("Invalid configuration:");
    expect(lines.slice(1)).toHaveLength(4);
    expect(proc.stderr()).toMatch(/PORT: .*Example: PORT=3000/);
    expect(proc.stderr()).toMatch(
      /TIME_ZONE: is not an IANA time zone.*Example: TIME_ZONE=Europe\/Moscow/,
    );
    expect(proc.stderr()).not.toContain("oops-secret");
    expect(proc.stderr()).not.toMatch(/\n\s+at /);
  });

  it("says so clearly when Telegram cannot be reached", async () => {
    const dataDir = await tempDir();
    const proc = track(
      startMain({
        DATA_DIR: dataDir,
        PORT: "0",
        BOT_TOKEN: "123456789:AAH8dGhpcy1pcy1hbi1leGFtcGxlLXRva2Vu",
        BOT_API_ROOT: "http://127.0.0.1:9",
      }),
    );
    const { code } = await proc.exit(30_000);
    expect(code).toBe(1);
    expect(proc.stderr()).toMatch(
      /^Start-up failed: Cannot reach the Telegram Bot API at http:\/\/127\.0\.0\.1:9/,
    );
    expect(proc.stderr()).not.toContain("AAH8dGhpcy1pcy1hbi1leGFtcGxlLXRva2Vu");
  });
});

describe.runIf(testDbKind === "pglite")("npm start itself", () => {
  it("runs the app as npm's own child, node dist/main.js, which exits 0 on SIGTERM", async () => {
    const dataDir = await tempDir();
    const npm = spawn("npm", ["start", "--silent"], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        DATA_DIR: dataDir,
        PORT: "0",
        HOST: "127.0.0.1",
        EMULATOR_PORT: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanups.unshift(async () => {
      if (npm.exitCode === null) npm.kill("SIGKILL");
    });
    let out = "";
    npm.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    const deadline = Date.now() + 30_000;
    let ready: { pid?: number } | undefined;
    while (!ready) {
      if (Date.now() > deadline) throw new Error(`no ready line:\n${out}`);
      const line = out.split("\n").find((l) => l.startsWith("{") && l.includes('"msg":"ready"'));
      if (line) ready = JSON.parse(line) as { pid?: number };
      else await new Promise((r) => setTimeout(r, 50));
    }
    const pid = ready.pid as number;
    cleanups.unshift(async () => {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    });
    // No shell and no TypeScript loader in between: npm's direct child is the app.
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    expect(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])).toBe(npm.pid);
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").filter(Boolean);
    expect(cmdline.slice(1)).toEqual(["dist/main.js"]);

    const exited = once(npm, "exit");
    process.kill(pid, "SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
  });
});

describe.runIf(testDbKind === "postgres")("npm start with DATABASE_URL", () => {
  it("runs on PostgreSQL and stops cleanly", async () => {
    const db = await createEmptyDatabase("postgres");
    cleanups.push(() => db.drop());
    const imports = await recordImports();
    const proc = track(
      startMain(
        {
          DATABASE_URL: db.url as string,
          PORT: "0",
          HOST: "127.0.0.1",
          EMULATOR_PORT: "0",
          ...imports.env,
        },
        { nodeArgs: imports.nodeArgs },
      ),
    );
    const ready = await proc.waitForLog("ready");
    expect(ready).toMatchObject({ database: "postgres" });
    expect((await fetch(`${ready.httpUrl}/healthz`)).status).toBe(200);
    const texts = await talkThroughControlApi(String(ready.emulatorUrl));
    expect(texts[0]).toContain("Здравствуйте!");
    // PGlite is never loaded on PostgreSQL, nor anything else customers do not need.
    const loaded = await imports.urls();
    expect(loaded.some((url) => url.includes("/node_modules/pg/"))).toBe(true);
    expect(
      loaded.filter((url) => Object.values(optional).some((pattern) => pattern.test(url))),
    ).toEqual([]);
    proc.child.kill("SIGTERM");
    expect((await proc.exit(10_000)).code).toBe(0);
  });
});
