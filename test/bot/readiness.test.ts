import { afterEach, describe, expect, it } from "vitest";
import { type App, startApp } from "../../app.ts";
import { parseConfig } from "../../config.ts";
import { silentLogger } from "../../core/logger.ts";
import { createTelegramEmulator } from "../../emulator/index.ts";
import { TEST_BOT_TOKEN } from "../support/bot-harness.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";
import { freePort } from "../support/free-port.ts";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.shift()?.();
});

describe(`readiness on ${testDbKind}`, () => {
  it("answers /healthz with 503 until the bot takes updates, then 200", async () => {
    const db = await openTestDatabase();
    cleanups.push(() => db.close());
    const emulator = createTelegramEmulator({ token: TEST_BOT_TOKEN });
    const { apiRoot } = await emulator.start();
    cleanups.unshift(() => emulator.stop());
    // Every Bot API call takes a while: the HTTP server is up before polling starts.
    emulator.setLatency(300);
    const port = await freePort();
    const config = parseConfig({
      BOT_TOKEN: TEST_BOT_TOKEN,
      BOT_API_ROOT: apiRoot,
      HOST: "127.0.0.1",
      PORT: String(port),
    });
    let started: App | undefined;
    const starting = startApp(config, { database: db, logger: silentLogger() }).then((app) => {
      started = app;
      cleanups.unshift(() => app.stop());
      return app;
    });

    const answers: Array<{ status: number; body: unknown }> = [];
    while (!started) {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      if (response) answers.push({ status: response.status, body: await response.json() });
      await new Promise((r) => setTimeout(r, 20));
    }
    await starting;
    expect(answers).toContainEqual({
      status: 503,
      body: { status: "starting", updates: "starting" },
    });
    const ready = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ok", updates: "polling" });
    expect(emulator.callsOf("deleteWebhook")).toHaveLength(1);
  });
});
