import type { Sql } from "../db/sql.ts";
import type { Logger } from "../logger.ts";
import type { Job } from "../scheduling/scheduler.ts";

/**
 * An import runs inside the process that received its file (the API's background task, the
 * CLI), with nothing but its `CustomerImport` row outside it. When that process stops or
 * crashes mid-way, the row would say RUNNING (or PENDING) forever. There is no heartbeat
 * column: what tells a live import from a dead one is that a live one moves — every batch of
 * 500 rows writes its counts, about once a second.
 *
 * So: each process keeps the ids of the imports it runs (`claimImport`), and a job sweeps the
 * others (in the scheduler's leader: with several app processes, the other processes' imports
 * are "others" too). An import of another process whose progress (status and counts) has not
 * moved for 10 minutes is marked FAILED. "Not moved" is measured from when this process first
 * saw those counts — and for an import it sees for the first time, from the import's creation:
 * that is the start-up rule (the job also runs at start, and when a process becomes the
 * leader), which fails at once whatever a stopped process left behind over 10 minutes ago.
 *
 * A false alarm is possible only on that first look, for an import of another live process
 * begun more than 10 minutes before (a CLI import on PostgreSQL while the app restarts), and it
 * heals itself: that import's next batch writes its row as RUNNING again, without the error.
 * Importing the file again is always safe: customers are matched by phone, balances credited
 * once.
 */
export const IMPORT_STALL_MS = 10 * 60_000;

export const INTERRUPTED_IMPORT_ERROR =
  "interrupted by a restart: import the file again (matching by phone makes that safe)";

const ownImports = new Set<string>();

/** This process runs the import: the sweep leaves it alone until `releaseImport`. */
export function claimImport(id: string): void {
  ownImports.add(id);
}

export function releaseImport(id: string): void {
  ownImports.delete(id);
}

type OpenImport = {
  id: string;
  status: "PENDING" | "RUNNING";
  rows: number;
  processed: number;
  rejectedCount: number;
  createdAt: Date;
};

/**
 * A sweep with its own memory of the progress it saw; returns the ids it marked FAILED.
 * One per process (the app's job); tests make their own with a clock.
 */
export function createInterruptedImportsSweep(
  options: { now?: () => Date; stallMs?: number } = {},
) {
  const now = options.now ?? (() => new Date());
  const stallMs = options.stallMs ?? IMPORT_STALL_MS;
  /** Per import: its progress when last seen, and since when it has been that. */
  const seen = new Map<string, { progress: string; since: number }>();
  /** Imports this sweep marked FAILED: one seen open again was alive after all (it healed). */
  const marked = new Set<string>();

  return async function sweep(sql: Sql): Promise<string[]> {
    const open = await sql.query<OpenImport>(
      `SELECT "id", "status", "rows", "processed", "rejectedCount", "createdAt"
         FROM "CustomerImport" WHERE "status" IN ('PENDING', 'RUNNING')`,
    );
    const at = now();
    const stalled: OpenImport[] = [];
    const stillOpen = new Set<string>();
    for (const row of open) {
      stillOpen.add(row.id);
      if (ownImports.has(row.id)) {
        seen.delete(row.id);
        continue;
      }
      const progress = `${row.status}:${row.rows}:${row.processed}:${row.rejectedCount}`;
      const before = seen.get(row.id);
      const since =
        before === undefined
          ? marked.has(row.id)
            ? at.getTime()
            : row.createdAt.getTime()
          : before.progress === progress
            ? before.since
            : at.getTime();
      seen.set(row.id, { progress, since });
      if (at.getTime() - since >= stallMs) stalled.push(row);
    }
    for (const id of seen.keys()) if (!stillOpen.has(id)) seen.delete(id);

    const failed: string[] = [];
    for (const row of stalled) {
      // Only if it is still as seen: an import that moved meanwhile is alive after all.
      const updated = await sql.query<{ id: string }>(
        `UPDATE "CustomerImport" SET "status" = 'FAILED', "error" = $2, "finishedAt" = $3
          WHERE "id" = $1 AND "status" = $4::"ImportStatus" AND "processed" = $5 AND "rows" = $6
          RETURNING "id"`,
        [row.id, INTERRUPTED_IMPORT_ERROR, at, row.status, row.processed, row.rows],
      );
      if (updated.length > 0) {
        failed.push(row.id);
        seen.delete(row.id);
        marked.add(row.id);
      }
    }
    return failed;
  };
}

/** The scheduler's job: at start, then every minute. */
export function interruptedImportsJob(deps: { sql: Sql; logger: Logger }): Job {
  const sweep = createInterruptedImportsSweep();
  return {
    name: "fail-interrupted-imports",
    schedule: "* * * * *",
    runAtStart: true,
    run: async () => {
      const failed = await sweep(deps.sql);
      if (failed.length > 0) {
        deps.logger.warn({ imports: failed }, "imports left running by a stopped process failed");
      }
    },
  };
}
