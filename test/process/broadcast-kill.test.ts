import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../core/db/database.ts";
import { createTelegramEmulator } from "../../emulator/index.ts";
import {
  insertCampaign,
  insertDeliveries,
  insertManyRecipients,
} from "../support/campaign-rows.ts";
import { createEmptyDatabase, testDbKind } from "../support/database.ts";
import { freePort } from "../support/free-port.ts";
import { type RunningProcess, startMain } from "../support/process.ts";

const RECIPIENTS = 5_000;
const FIRST = 8_000_000;
const TOKEN = "123456789:TEST-token-for-the-kill-test";

/**
 * Two app processes on one PostgreSQL send a 5,000-recipient campaign; one is killed with
 * SIGKILL half way and started again. Every recipient gets the message; a message that went
 * twice is one whose row was taken again after the kill (reclaims > 0), never another.
 */
describe.runIf(testDbKind === "postgres")("a broadcast survives kill -9", () => {
  const running: RunningProcess[] = [];
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const proc of running) proc.child.kill("SIGKILL");
    for (const step of cleanup.reverse()) await step();
  });

  it("sends everyone the message, duplicates only among reclaimed rows", {
    timeout: 90_000,
  }, async () => {
    const testDb = await createEmptyDatabase("postgres");
    cleanup.push(() => testDb.drop());
    const url = testDb.url as string;
    const db = await openDatabase({ kind: "postgres", url, poolSize: 2 });
    cleanup.push(() => db.close());
    const emulator = createTelegramEmulator({ token: TOKEN, recordCalls: false });
    const { apiRoot } = await emulator.start();
    cleanup.push(() => emulator.stop());
    emulator.openChats(
      Array.from({ length: RECIPIENTS }, (_, i) => ({ id: FIRST + i, first_name: "Гость" })),
    );
    await insertManyRecipients(db.sql, { firstTelegramId: FIRST, count: RECIPIENTS });
    const campaignId = await insertCampaign(db.sql, {
      message: { text: { ru: "{first_name}, скидка 20% до воскресенья" } },
      status: "PAUSED",
    });
    await insertDeliveries(db.sql, {
      campaignId,
      telegramIds: { from: FIRST, to: FIRST + RECIPIENTS - 1 },
    });

    const start = async () => {
      const port = await freePort();
      const proc = startMain({
        BOT_TOKEN: TOKEN,
        BOT_API_ROOT: apiRoot,
        DATABASE_URL: url,
        HOST: "127.0.0.1",
        PORT: String(port),
        // Webhook mode: two processes polling one token would take turns refusing each other.
        WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/webhook`,
        WEBHOOK_SECRET: "kill-test-webhook-secret-0123456789",
        OUTBOX_RATE: "500",
        QUIET_HOURS: "off",
        LOG_LEVEL: "info",
      });
      running.push(proc);
      await proc.waitForLog("ready");
      return proc;
    };
    const first = await start();
    const second = await start();

    const total = () => [...emulator.sentCounts().values()].reduce((a, b) => a + b, 0);
    const status = async () =>
      (
        await db.sql.query<{ status: string }>(
          `SELECT "status"::text AS "status" FROM "Campaign" WHERE "id" = $1`,
          [campaignId],
        )
      )[0]?.status;
    await db.sql.query(`UPDATE "Campaign" SET "status" = 'SENDING' WHERE "id" = $1`, [campaignId]);
    while (total() < RECIPIENTS / 2) await new Promise((r) => setTimeout(r, 20));
    first.child.kill("SIGKILL");
    await first.exit();
    const restarted = await start();

    const deadline = Date.now() + 60_000;
    while ((await status()) !== "SENT") {
      if (Date.now() > deadline) throw new Error(`campaign still ${await status()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const proc of [second, restarted]) proc.child.kill("SIGTERM");
    await Promise.all([second.exit(15_000), restarted.exit(15_000)]);

    const counts = emulator.sentCounts();
    const missing = Array.from({ length: RECIPIENTS }, (_, i) => FIRST + i).filter(
      (id) => (counts.get(id) ?? 0) === 0,
    );
    const twice = [...counts.values()].filter((n) => n > 1).length;
    const [rows] = await db.sql.query<{ reclaimed: number; sent: number }>(
      `SELECT count(*) FILTER (WHERE "reclaims" > 0)::int AS "reclaimed",
              count(*) FILTER (WHERE "status" = 'SENT')::int AS "sent"
       FROM "OutboxMessage" WHERE "campaignId" = $1`,
      [campaignId],
    );
    console.log(
      `kill -9 mid-campaign: ${RECIPIENTS} recipients, ${twice} got it twice, ${rows?.reclaimed} rows reclaimed`,
    );
    expect(missing).toEqual([]);
    expect(rows?.sent).toBe(RECIPIENTS);
    expect(twice).toBeLessThanOrEqual(rows?.reclaimed ?? 0);
  });
});
