import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { testDbKind } from "../support/database.ts";
import { freePort } from "../support/free-port.ts";
import { startMain } from "../support/process.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.shift()?.();
});

describe.runIf(testDbKind === "pglite")("npm run chat", () => {
  it("lets a person onboard by typing, pressing numbered and lettered buttons", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "loyalty-chat-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const app = startMain({ DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", EMULATOR_PORT: "0" });
    cleanups.unshift(() => app.child.kill("SIGKILL"));
    const ready = await app.waitForLog("ready");

    const chat = spawn(process.execPath, ["dist/chat.js"], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        EMULATOR_URL: String(ready.emulatorUrl),
        CHAT_USER_ID: "5151",
        CHAT_NAME: "Марина",
        CHAT_PHONE: "+79160001122",
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    cleanups.unshift(() => chat.kill("SIGKILL"));
    let output = "";
    chat.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    // Looks only at output printed after `from`, so an earlier identical line cannot satisfy it.
    const waitFor = async (text: string, from = 0) => {
      const deadline = Date.now() + 15_000;
      while (!output.slice(from).includes(text)) {
        if (Date.now() > deadline) throw new Error(`"${text}" never appeared in:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const type = async (line: string, expectText: string) => {
      const from = output.length;
      chat.stdin.write(`${line}\n`);
      await waitFor(expectText, from);
    };

    await waitFor("Chatting with @");
    await type("/start", "[1] ✅ Согласен(на)");
    await type("1", "[1] 🔔 Да, присылайте");
    await type("2", "[1] ✅ Марина");
    await type("1", "(a) 📱 Поделиться номером");
    await type("a", "[1] Пропустить");
    expect(output).toContain("Спасибо, номер сохранён.");
    await type("1", "На карту начислено 100 баллов в подарок.");
    expect(output).toMatch(/\[photo saved to .+\.png\]/);
    await type("a", "Баланс: 100 баллов");
    await type("//help", "Всё в меню внизу");
    chat.stdin.write("/quit\n");

    app.child.kill("SIGTERM");
    expect((await app.exit(10_000)).code).toBe(0);
  });

  it("finds the emulator on EMULATOR_PORT from .env, as npm start does", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "loyalty-chat-port-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = String(await freePort());
    const app = startMain({ DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", EMULATOR_PORT: port });
    cleanups.unshift(() => app.child.kill("SIGKILL"));
    await app.waitForLog("ready");
    // Only .env says where the emulator is: no EMULATOR_URL, no EMULATOR_PORT in the environment.
    await writeFile(join(dataDir, ".env"), `EMULATOR_PORT=${port}\n`);
    const chat = spawn(process.execPath, [join(root, "dist/chat.js")], {
      cwd: dataDir,
      env: { PATH: process.env.PATH ?? "", CHAT_USER_ID: "5252", CHAT_PHONE: "+79160002233" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    cleanups.unshift(() => chat.kill("SIGKILL"));
    let output = "";
    chat.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    chat.stdin.write("/start\n");
    const deadline = Date.now() + 15_000;
    while (!output.includes("[1] ✅ Согласен(на)")) {
      if (Date.now() > deadline) throw new Error(`no consent question in:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(output).toContain(`Chatting with @`);
    chat.stdin.write("/quit\n");
    app.child.kill("SIGTERM");
    expect((await app.exit(10_000)).code).toBe(0);
  });
});
