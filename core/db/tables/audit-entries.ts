import type { AuditEntry } from "../client.ts";
import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";

/** "AuditEntry": who did what to whom, appended and never changed. */

export type NewAuditEntry = {
  staffId: string | null;
  actor: string;
  action: string;
  customerId?: string | null;
  data?: Record<string, unknown>;
};

export async function insertAuditEntry(sql: Sql, entry: NewAuditEntry, at: Date): Promise<void> {
  await sql.query(
    `INSERT INTO "AuditEntry" ("staffId", "actor", "action", "customerId", "data", "createdAt")
     VALUES ($1::uuid, $2, $3, $4::uuid, $5::jsonb, $6)`,
    [
      entry.staffId,
      entry.actor,
      entry.action,
      entry.customerId ?? null,
      jsonParam(entry.data ?? {}),
      at,
    ],
  );
}

export type AuditFilter = {
  staffId?: string | undefined;
  customerId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Entries older than this id (the previous page's last). */
  beforeId?: bigint | undefined;
  limit: number;
};

/** Newest first; every filter is optional and they combine. */
export function selectAuditEntries(sql: Sql, filter: AuditFilter): Promise<AuditEntry[]> {
  return sql.query<AuditEntry>(
    `SELECT * FROM "AuditEntry"
     WHERE ($1::uuid IS NULL OR "staffId" = $1::uuid)
       AND ($2::uuid IS NULL OR "customerId" = $2::uuid)
       AND ($3::timestamp IS NULL OR "createdAt" >= $3::timestamp)
       AND ($4::timestamp IS NULL OR "createdAt" < $4::timestamp)
       AND ($5::bigint IS NULL OR "id" < $5::bigint)
     ORDER BY "id" DESC
     LIMIT $6`,
    [
      filter.staffId ?? null,
      filter.customerId ?? null,
      filter.from ?? null,
      filter.to ?? null,
      filter.beforeId ?? null,
      filter.limit,
    ],
  );
}
