import type { CustomerImport, ImportStatus } from "../client.ts";
import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";

export async function insertCustomerImport(
  sql: Sql,
  values: { id: string; fileName: string; dryRun: boolean; createdById: string | null; at: Date },
): Promise<CustomerImport> {
  const [row] = await sql.query<CustomerImport>(
    `INSERT INTO "CustomerImport" ("id", "fileName", "dryRun", "createdById", "createdAt")
     VALUES ($1, $2, $3, $4::uuid, $5) RETURNING *`,
    [values.id, values.fileName, values.dryRun, values.createdById, values.at],
  );
  return row as CustomerImport;
}

export type ImportProgress = {
  status: ImportStatus;
  mapping?: Record<string, unknown>;
  rows: number;
  processed: number;
  created: number;
  updated: number;
  rejected: unknown[];
  rejectedCount: number;
  error?: string | null;
  finishedAt?: Date | null;
};

export async function updateCustomerImport(
  sql: Sql,
  id: string,
  progress: ImportProgress,
): Promise<void> {
  await sql.query(
    `UPDATE "CustomerImport" SET "status" = $2::"ImportStatus",
       "mapping" = COALESCE($3::jsonb, "mapping"), "rows" = $4, "processed" = $5, "created" = $6,
       "updated" = $7, "rejected" = $8::jsonb, "rejectedCount" = $9, "error" = $10,
       "finishedAt" = $11
     WHERE "id" = $1`,
    [
      id,
      progress.status,
      progress.mapping ? jsonParam(progress.mapping) : null,
      progress.rows,
      progress.processed,
      progress.created,
      progress.updated,
      jsonParam(progress.rejected),
      progress.rejectedCount,
      progress.error ?? null,
      progress.finishedAt ?? null,
    ],
  );
}

export async function selectCustomerImport(sql: Sql, id: string): Promise<CustomerImport | null> {
  const [row] = await sql.query<CustomerImport>(`SELECT * FROM "CustomerImport" WHERE "id" = $1`, [
    id,
  ]);
  return row ?? null;
}
