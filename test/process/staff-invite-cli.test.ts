import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../core/access/authenticate.ts";
import { openDatabase } from "../../core/db/database.ts";
import { createTelegramEmulator, type TelegramEmulator } from "../../emulator/index.ts";
import { TEST_BOT_TOKEN } from "../support/bot-harness.ts";
import { testDbKind } from "../support/database.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Runs `npm run staff:invite -- …` as built (dist/), with exactly this environment. */
async function runCli(args: string[], env: Record<string, string>) {
  return promisify(execFile)(process.execPath, ["dist/staff-invite.js", ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

let dataDir: string;
let emulator: TelegramEmulator;
let apiRoot: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "loyalty-invite-cli-"));
  emulator = createTelegramEmulator({ token: TEST_BOT_TOKEN });
  ({ apiRoot } = await emulator.start());
});
afterAll(async () => {
  await emulator?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe.runIf(testDbKind === "pglite")("npm run staff:invite", () => {
  it("prints a one-time link for the first owner and stores only the code's hash", async () => {
    const run = await runCli(["--role", "owner", "--name", "Анна Петрова"], {
      DATA_DIR: dataDir,
      BOT_TOKEN: TEST_BOT_TOKEN,
      BOT_API_ROOT: apiRoot,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const link = new RegExp(
      `https://t\\.me/${emulator.botInfo.username}\\?start=staff_([A-Z0-9]{16})`,
    ).exec(run.stdout);
    expect(run.stdout).toContain("Invite for Анна Петрова (OWNER)");
    const code = link?.[1] ?? "";
    expect(code).toHaveLength(16);

    const db = await openDatabase({ kind: "pglite", dataDir: join(dataDir, "pglite") });
    try {
      const invites = await db.prisma.staffInvite.findMany();
      expect(invites).toHaveLength(1);
      expect(invites[0]).toMatchObject({ name: "Анна Петрова", role: "OWNER", usedAt: null });
      expect(invites[0]?.codeHash).toBe(hashToken(code));
      expect(JSON.stringify(invites)).not.toContain(code);
    } finally {
      await db.close();
    }
  });

  it("without a bot token, prints the command to send in npm run chat", async () => {
    const run = await runCli(["--role", "cashier", "--name", "Олег", "--hours", "2"], {
      DATA_DIR: dataDir,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\/start staff_[A-Z0-9]{16}/);
    expect(run.stdout).toContain("npm run chat");
  });

  it("refuses bad arguments with the usage, and says what to do when the app holds the database", async () => {
    for (const args of [
      ["--role", "king", "--name", "X"],
      ["--role", "owner"],
      ["--role", "owner", "--name", "X", "--hours", "0"],
      ["--bogus"],
    ]) {
      const run = await runCli(args, { DATA_DIR: dataDir });
      expect(run.code).toBe(64);
      expect(run.stderr).toContain("Usage: npm run staff:invite");
    }

    // The running app's lock on the embedded database (this test process stands in for it).
    const busy = await mkdtemp(join(tmpdir(), "loyalty-invite-busy-"));
    try {
      await writeFile(join(busy, "pglite.lock"), String(process.pid));
      const run = await runCli(["--role", "owner", "--name", "Анна"], {
        DATA_DIR: busy,
        ADMIN_TOKEN: "secret-admin-token-0123456789",
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("stop the app and run this command again");
      expect(run.stderr).toContain("/api/staff/invites");
      expect(run.stderr).not.toContain("secret-admin-token");
    } finally {
      await rm(busy, { recursive: true, force: true });
    }
  });
});
