import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../core/db/database.ts";
import { silentLogger } from "../../core/logger.ts";
import { purgeStaleBotState } from "../../core/maintenance/purge-stale-bot-state.ts";
import { createScheduler } from "../../core/scheduling/scheduler.ts";
import { openTestDatabase, testDbKind } from "../support/database.ts";

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe(`scheduler on ${testDbKind}`, () => {
  it("runs a job on demand once even when triggered twice, and stop() waits for it", async () => {
    let runs = 0;
    let release: () => void = () => {};
    const scheduler = createScheduler({
      timeZone: "Europe/Moscow",
      logger: silentLogger(),
      jobs: [
        {
          name: "slow",
          schedule: "0 3 * * *",
          run: () =>
            new Promise<void>((resolve) => {
              runs++;
              release = resolve;
            }),
        },
      ],
    });
    scheduler.start();
    const first = scheduler.runNow("slow");
    const second = scheduler.runNow("slow");
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    release();
    await Promise.all([first, second, stopping]);
    expect(runs).toBe(1);
    expect(stopped).toBe(true);
  });

  it("runs a job marked runAtStart once at start, in the background", async () => {
    const ran: string[] = [];
    const job = (name: string, runAtStart?: boolean) => ({
      name,
      schedule: "0 3 * * *",
      ...(runAtStart === undefined ? {} : { runAtStart }),
      run: async () => {
        await new Promise((r) => setTimeout(r, 20));
        ran.push(name);
      },
    });
    const scheduler = createScheduler({
      timeZone: "UTC",
      logger: silentLogger(),
      jobs: [job("at-start", true), job("on-schedule"), job("not-at-start", false)],
    });
    scheduler.start();
    expect(ran).toEqual([]);
    await scheduler.stop();
    expect(ran).toEqual(["at-start"]);
  });

  it("refuses a malformed schedule at start", () => {
    const scheduler = createScheduler({
      timeZone: "UTC",
      logger: silentLogger(),
      jobs: [{ name: "bad", schedule: "every day", run: async () => {} }],
    });
    expect(() => scheduler.start()).toThrow(/bad cron/);
  });

  it("purges conversation state nobody touched for a month", async () => {
    await db.prisma.botState.create({ data: { key: "conversation:1", value: {} } });
    await db.prisma.botState.create({ data: { key: "conversation:2", value: {} } });
    const future = new Date(Date.now() + 31 * 86_400_000);
    await db.prisma.botState.update({
      where: { key: "conversation:2" },
      data: { value: { touched: true } },
    });
    expect(await purgeStaleBotState(db.sql, { olderThanDays: 30 })).toBe(0);
    expect(await purgeStaleBotState(db.sql, { olderThanDays: 30, now: future })).toBe(2);
    expect(await db.prisma.botState.count()).toBe(0);
  });
});
