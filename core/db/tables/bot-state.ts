import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";

/**
 * "BotState": grammY session and conversation state, one JSON value per key. Read and written
 * on every update of a chat in a conversation, hence one statement each way (see sql.ts).
 */

export async function readBotState(sql: Sql, key: string): Promise<unknown> {
  const rows = await sql.query<{ value: unknown }>(
    `SELECT "value" FROM "BotState" WHERE "key" = $1`,
    [key],
  );
  return rows[0]?.value;
}

/** Insert or replace; the value travels once (Prisma's upsert sends it twice). */
export async function writeBotState(sql: Sql, key: string, value: unknown, now = new Date()) {
  await sql.query(
    `INSERT INTO "BotState" ("key", "value", "updatedAt") VALUES ($1, $2::jsonb, $3)
     ON CONFLICT ("key") DO UPDATE SET "value" = EXCLUDED."value", "updatedAt" = EXCLUDED."updatedAt"`,
    [key, jsonParam(value), now],
  );
}

export async function deleteBotState(sql: Sql, key: string): Promise<void> {
  await sql.query(`DELETE FROM "BotState" WHERE "key" = $1`, [key]);
}

/** Drops state nobody touched since `before`; returns how many rows went. */
export async function deleteBotStateOlderThan(sql: Sql, before: Date): Promise<number> {
  const [row] = await sql.query<{ deleted: number }>(
    `WITH gone AS (DELETE FROM "BotState" WHERE "updatedAt" < $1 RETURNING 1)
     SELECT count(*)::int AS "deleted" FROM gone`,
    [before],
  );
  return row?.deleted ?? 0;
}
