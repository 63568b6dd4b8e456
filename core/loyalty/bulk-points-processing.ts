import type { Sql } from "../db/sql.ts";
import {
  advanceRun,
  lockRunningRun,
  type RunSummary,
  selectRunEntries,
  selectRunningRunIds,
} from "../db/tables/bulk-points-runs.ts";
import { findCardByCustomer } from "../db/tables/loyalty-cards.ts";
import { AppError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { BulkEntry, Shortfall } from "./bulk-points.ts";
import { postLedgerEntry } from "./ledger.ts";

/** Entries per transaction: a batch is applied whole or not at all. */
export const BULK_BATCH_SIZE = 200;

/** The ledger key of one entry of a run: a batch applied again finds its entries there. */
export const bulkEntryKey = (runId: string, customerId: string) => `bulk:${runId}:${customerId}`;

/**
 * Applies the next batch of a run in one transaction: each entry is one ledger post (kind
 * ADJUSTMENT), then the run's `processed` moves past them. The run row stays locked meanwhile,
 * so two processes never apply the same batch; were one applied twice anyway, the ledger's
 * keys would refuse the second. Returns null when there is nothing to do here (the run is
 * done, or another process is applying a batch of it).
 */
export async function processBulkRunBatch(
  sql: Sql,
  runId: string,
  options: { batchSize?: number; now?: Date } = {},
): Promise<{ processed: number; done: boolean } | null> {
  const now = options.now ?? new Date();
  return sql.transaction(async (tx) => {
    const run = await lockRunningRun(tx, runId);
    if (!run) return null;
    const entries = await selectRunEntries<BulkEntry>(tx, {
      id: runId,
      offset: run.processed,
      limit: options.batchSize ?? BULK_BATCH_SIZE,
    });
    const shortfalls: Shortfall[] = [];
    for (const entry of entries) {
      const shortfall = await applyEntry(tx, run, entry, now);
      if (shortfall) shortfalls.push(shortfall);
    }
    const processed = run.processed + entries.length;
    const done = processed >= run.total;
    await advanceRun(tx, { id: runId, processed, shortfalls, done, at: now });
    return { processed, done };
  });
}

/**
 * One entry. A debit larger than the balance takes what is there and reports the rest: the
 * balance never goes below zero, and the list's intent (take these points back) is carried out
 * as far as it can be. A card closed since the run was matched is reported, not failed.
 */
async function applyEntry(
  tx: Sql,
  run: RunSummary,
  entry: BulkEntry,
  now: Date,
): Promise<Shortfall | null> {
  const post = (delta: number) =>
    postLedgerEntry(tx, {
      card: { activeCardOfCustomer: entry.customerId },
      kind: "ADJUSTMENT",
      delta,
      idempotencyKey: bulkEntryKey(run.id, entry.customerId),
      ...(run.createdById ? { staffId: run.createdById } : {}),
      note: run.reason,
      now,
    });
  const shortfall = (applied: number, reason: Shortfall["reason"]): Shortfall => ({
    customerId: entry.customerId,
    ref: entry.ref,
    wanted: Math.abs(entry.points),
    applied,
    reason,
  });
  try {
    if (entry.points > 0) {
      await post(entry.points);
      return null;
    }
    // A debit: at most the balance, read again if a purchase spends points meanwhile.
    for (let attempt = 0; attempt < 3; attempt++) {
      const card = await findCardByCustomer(tx, entry.customerId);
      if (card?.status !== "ACTIVE") return shortfall(0, "no_card");
      const applied = Math.min(card.balance, -entry.points);
      if (applied === 0) return shortfall(0, "insufficient_points");
      try {
        const posted = await post(-applied);
        if (posted.duplicate) return null;
        return applied < -entry.points ? shortfall(applied, "insufficient_points") : null;
      } catch (error) {
        if (!(error instanceof AppError && error.code === "insufficient_points")) throw error;
      }
    }
    return shortfall(0, "insufficient_points");
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") {
      return shortfall(0, "no_card");
    }
    throw error;
  }
}

/** Applies a run to its end (or until another process holds it). */
export async function processBulkRun(
  sql: Sql,
  runId: string,
  options: { batchSize?: number; shouldStop?: () => boolean } = {},
): Promise<void> {
  while (!options.shouldStop?.()) {
    const step = await processBulkRunBatch(sql, runId, options);
    if (!step || step.done) return;
  }
}

export type BulkPointsWorker = {
  /** Applies every unfinished run in the background; a kick during a pass adds another pass. */
  kick(): void;
  /** The same, resolving when the pass is over (the scheduler, tests). */
  runPending(): Promise<void>;
  /** Finishes the batch in progress and stops; the rest waits for the next start. */
  stop(): Promise<void>;
};

/**
 * Applies bulk runs in the background. A run is started by its request, resumed at start-up
 * (a run cut short by a restart or a crash is still "running") and by the scheduler every
 * minute (the run of a process that died, when others live on).
 */
export function startBulkPointsWorker(deps: {
  sql: Sql;
  logger: Logger;
  batchSize?: number;
}): BulkPointsWorker {
  let stopping = false;
  let again = false;
  let pass: Promise<void> | undefined;

  async function applyAll(): Promise<void> {
    do {
      again = false;
      for (const id of await selectRunningRunIds(deps.sql)) {
        if (stopping) return;
        await processBulkRun(deps.sql, id, {
          ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
          shouldStop: () => stopping,
        });
      }
    } while (again && !stopping);
  }

  function kick(): Promise<void> {
    if (stopping) return Promise.resolve();
    if (pass) {
      again = true;
      return pass;
    }
    pass = applyAll()
      .catch((err: unknown) => deps.logger.error({ err }, "bulk points run failed; will retry"))
      .finally(() => {
        pass = undefined;
      });
    return pass;
  }

  return {
    kick() {
      void kick();
    },
    runPending: kick,
    async stop() {
      stopping = true;
      await pass;
    },
  };
}
