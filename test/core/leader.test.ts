import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../core/db/database.ts";
import { silentLogger } from "../../core/logger.ts";
import { advisoryLockLeader } from "../../core/scheduling/leader.ts";
import { createScheduler, type Scheduler } from "../../core/scheduling/scheduler.ts";
import { createEmptyDatabase, type TestDatabase, testDbKind } from "../support/database.ts";

const waitFor = async (check: () => boolean, ms = 3_000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.runIf(testDbKind === "pglite")("scheduler leadership on pglite", () => {
  it("the only process is the leader and its cron jobs fire", async () => {
    let runs = 0;
    const scheduler = createScheduler({
      timeZone: "Europe/Moscow",
      logger: silentLogger(),
      jobs: [{ name: "tick", schedule: "* * * * * *", run: async () => void runs++ }],
    });
    scheduler.start();
    expect(scheduler.isLeader()).toBe(true);
    await waitFor(() => runs > 0, 2_500);
    await scheduler.stop();
  });
});

describe.runIf(testDbKind === "postgres")("scheduler leadership on postgres", () => {
  let empty: TestDatabase;
  const databases: Database[] = [];
  beforeAll(async () => {
    empty = await createEmptyDatabase("postgres");
    // Two processes' worth: each its own pool and its own leader connection.
    for (let i = 0; i < 2; i++) databases.push(await openDatabase(empty.options));
  });
  afterAll(async () => {
    for (const database of databases) await database.close();
    await empty?.drop();
  });

  function schedulerOf(database: Database, runs: number[], index: number): Scheduler {
    const connect = database.dedicatedConnection?.bind(database);
    if (!connect) throw new Error("no dedicated connection on postgres");
    return createScheduler({
      timeZone: "Europe/Moscow",
      logger: silentLogger(),
      leadership: advisoryLockLeader({ connect, logger: silentLogger(), retryMs: 100 }),
      jobs: [
        {
          name: "tick",
          schedule: "* * * * * *",
          run: async () => {
            runs[index] = (runs[index] ?? 0) + 1;
          },
        },
      ],
    });
  }

  it("elects one leader whose jobs fire; stopping it hands over; runNow runs anywhere", async () => {
    const runs = [0, 0];
    const schedulers = databases.map((database, i) => schedulerOf(database, runs, i));
    for (const scheduler of schedulers) scheduler.start();
    await waitFor(() => schedulers.some((s) => s.isLeader()));
    // The other has had a few retries by now and stays out.
    await new Promise((r) => setTimeout(r, 400));
    expect(schedulers.filter((s) => s.isLeader())).toHaveLength(1);
    const leader = schedulers.findIndex((s) => s.isLeader());
    const follower = 1 - leader;
    await waitFor(() => (runs[leader] ?? 0) >= 2, 3_500);
    expect(runs[follower]).toBe(0);

    // An admin's "run now" does not need the leadership.
    await schedulers[follower]?.runNow("tick");
    expect(runs[follower]).toBe(1);

    await schedulers[leader]?.stop();
    await waitFor(() => schedulers[follower]?.isLeader() === true, 2_000);
    const before = runs[follower] ?? 0;
    await waitFor(() => (runs[follower] ?? 0) > before, 2_500);
    await schedulers[follower]?.stop();
  });

  it("a leader whose connection is cut loses the leadership, and one process takes it again", async () => {
    const runs = [0, 0];
    const schedulers = databases.map((database, i) => schedulerOf(database, runs, i));
    for (const scheduler of schedulers) scheduler.start();
    await waitFor(() => schedulers.some((s) => s.isLeader()));
    const leader = schedulers.findIndex((s) => s.isLeader());

    const admin = new pg.Client({ connectionString: empty.url });
    await admin.connect();
    try {
      const cut = await admin.query(
        `SELECT pg_terminate_backend("pid") AS "cut" FROM pg_locks
         WHERE "locktype" = 'advisory' AND "objsubid" = 2 AND "granted"`,
      );
      expect(cut.rows).toHaveLength(1);
    } finally {
      await admin.end();
    }
    await waitFor(() => schedulers[leader]?.isLeader() === false, 2_000);
    await waitFor(() => schedulers.some((s) => s.isLeader()), 2_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(schedulers.filter((s) => s.isLeader())).toHaveLength(1);
    for (const scheduler of schedulers) await scheduler.stop();
    expect(schedulers.some((s) => s.isLeader())).toBe(false);
  });
});
