import type { AuditEntry } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { type AuditFilter, selectAuditEntries } from "../db/tables/audit-entries.ts";
import { type Actor, Permission, requirePermission } from "./permissions.ts";

/** A page of the audit log, newest first, and the cursor of the next page (null at the end). */
export async function listAudit(
  sql: Sql,
  options: { actor: Actor } & Omit<AuditFilter, "beforeId"> & { cursor?: string | undefined },
): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
  requirePermission(options.actor, Permission.viewAudit);
  const { actor: _actor, cursor, ...filter } = options;
  const rows = await selectAuditEntries(sql, {
    ...filter,
    beforeId: cursor ? BigInt(cursor) : undefined,
    limit: filter.limit + 1,
  });
  const entries = rows.slice(0, filter.limit);
  const last = entries.at(-1);
  return {
    entries,
    nextCursor: rows.length > filter.limit && last ? last.id.toString() : null,
  };
}
