import type { BulkPointsRun } from "../client.ts";
import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";

/**
 * "BulkPointsRun": a list of customers credited or debited in batches. `entries` holds what is
 * to be applied, in order; `processed` counts the entries applied so far, so a run picks up
 * where it stopped.
 */

export type RunStatus = "running" | "done" | "failed";

export type NewRun = {
  /** Made by the caller: Prisma's uuid() default lives in its client, not in the database. */
  id: string;
  idempotencyKey: string;
  reason: string;
  entries: unknown[];
  unmatched: unknown[];
  pointsTotal: number;
  createdById: string | null;
  at: Date;
};

/** Stores a run; null when the key is taken (the caller reads that run instead). */
export async function insertRun(sql: Sql, run: NewRun): Promise<BulkPointsRun | null> {
  const done = run.entries.length === 0;
  const [row] = await sql.query<BulkPointsRun>(
    `INSERT INTO "BulkPointsRun"
       ("id", "idempotencyKey", "reason", "status", "entries", "unmatched", "total",
        "pointsTotal", "createdById", "createdAt", "finishedAt")
     VALUES ($11::uuid, $1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8::uuid, $9, $10)
     ON CONFLICT ("idempotencyKey") DO NOTHING
     RETURNING *`,
    [
      run.idempotencyKey,
      run.reason,
      done ? "done" : "running",
      jsonParam(run.entries),
      jsonParam(run.unmatched),
      run.entries.length,
      run.pointsTotal,
      run.createdById,
      run.at,
      done ? run.at : null,
      run.id,
    ],
  );
  return row ?? null;
}

/** Every column but the entries, which may be long: what a progress report needs. */
export type RunSummary = Omit<BulkPointsRun, "entries">;

const summaryColumns = `"id", "idempotencyKey", "reason", "status", "unmatched", "total",
  "processed", "pointsTotal", "shortfalls", "createdById", "createdAt", "finishedAt"`;

export async function selectRunById(sql: Sql, id: string): Promise<RunSummary | null> {
  const [row] = await sql.query<RunSummary>(
    `SELECT ${summaryColumns} FROM "BulkPointsRun" WHERE "id" = $1::uuid`,
    [id],
  );
  return row ?? null;
}

export async function selectRunByKey(sql: Sql, idempotencyKey: string): Promise<RunSummary | null> {
  const [row] = await sql.query<RunSummary>(
    `SELECT ${summaryColumns} FROM "BulkPointsRun" WHERE "idempotencyKey" = $1`,
    [idempotencyKey],
  );
  return row ?? null;
}

/** Runs not finished yet, oldest first. */
export async function selectRunningRunIds(sql: Sql): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `SELECT "id" FROM "BulkPointsRun" WHERE "status" = 'running' ORDER BY "createdAt", "id"`,
  );
  return rows.map((row) => row.id);
}

/**
 * A running run, locked until the transaction ends; null when it is done or another process
 * holds it (that process is applying a batch of it right now).
 */
export async function lockRunningRun(sql: Sql, id: string): Promise<RunSummary | null> {
  const [row] = await sql.query<RunSummary>(
    `SELECT ${summaryColumns} FROM "BulkPointsRun"
     WHERE "id" = $1::uuid AND "status" = 'running'
     FOR UPDATE SKIP LOCKED`,
    [id],
  );
  return row ?? null;
}

/** Up to `limit` entries after the first `offset`, in the run's order. */
export async function selectRunEntries<Entry>(
  sql: Sql,
  options: { id: string; offset: number; limit: number },
): Promise<Entry[]> {
  const rows = await sql.query<{ entry: Entry }>(
    `SELECT e."value" AS "entry"
     FROM "BulkPointsRun" r, jsonb_array_elements(r."entries") WITH ORDINALITY AS e("value", "n")
     WHERE r."id" = $1::uuid
     ORDER BY e."n"
     OFFSET $2 LIMIT $3`,
    [options.id, options.offset, options.limit],
  );
  return rows.map((row) => row.entry);
}

/** Records a batch: how far the run got, its new shortfalls, and whether it is done. */
export async function advanceRun(
  sql: Sql,
  options: { id: string; processed: number; shortfalls: unknown[]; done: boolean; at: Date },
): Promise<void> {
  await sql.query(
    `UPDATE "BulkPointsRun"
     SET "processed" = $2, "shortfalls" = "shortfalls" || $3::jsonb,
         "status" = CASE WHEN $4 THEN 'done' ELSE "status" END,
         "finishedAt" = CASE WHEN $4 THEN $5::timestamp ELSE "finishedAt" END
     WHERE "id" = $1::uuid`,
    [options.id, options.processed, jsonParam(options.shortfalls), options.done, options.at],
  );
}
