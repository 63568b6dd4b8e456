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
