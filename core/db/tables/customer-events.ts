import type { EventType } from "../../events.ts";
import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";

/** "CustomerEvent": the customer's timeline. Rows are only ever appended. */

export type NewEvent = {
  customerId: string;
  type: EventType;
  data?: Record<string, unknown>;
  staffId?: string | null;
};

/** Appends events in one statement, in the order given. */
export async function insertEvents(sql: Sql, events: readonly NewEvent[], at: Date): Promise<void> {
  if (events.length === 0) return;
  const params: unknown[] = [at];
  const rows = events.map((event) => {
    params.push(event.customerId, event.type, jsonParam(event.data ?? {}), event.staffId ?? null);
    const n = params.length;
    return `($${n - 3}::uuid, $${n - 2}, $${n - 1}::jsonb, $${n}::uuid, $1::timestamp)`;
  });
  await sql.query(
    `INSERT INTO "CustomerEvent" ("customerId", "type", "data", "staffId", "createdAt")
     VALUES ${rows.join(", ")}`,
    params,
  );
}

/**
 * The INSERT that writes one event for every row of `source` (a CTE returning "id"), so that a
 * change and its timeline event are one statement: `WITH changed AS (UPDATE … RETURNING *),
 * event AS (${eventFrom("changed", …)}) SELECT * FROM changed`.
 */
export function eventFrom(
  source: string,
  params: { type: string; data: string; at: string },
): string {
  return `INSERT INTO "CustomerEvent" ("customerId", "type", "data", "createdAt")
    SELECT "id", ${params.type}, ${params.data}::jsonb, ${params.at}::timestamp FROM ${source}`;
}

/** The customer's event of `type` whose data carries `key` (a custom event seen before). */
export async function findEventByKey(
  sql: Sql,
  options: { customerId: string; type: EventType; key: string },
): Promise<{ data: Record<string, unknown>; createdAt: Date } | null> {
  const [row] = await sql.query<{ data: Record<string, unknown>; createdAt: Date }>(
    `SELECT "data", "createdAt" FROM "CustomerEvent"
     WHERE "customerId" = $1 AND "type" = $2 AND "data"->>'key' = $3
     LIMIT 1`,
    [options.customerId, options.type, options.key],
  );
  return row ?? null;
}
