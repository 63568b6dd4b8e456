import type { Sql } from "../sql.ts";
import { jsonParam } from "../sql-values.ts";

/** "LoyaltySettings": the owner's rules, one row. */

export type StoredSettings = { settings: unknown; version: number };

/**
 * The stored settings; the first call ever stores `seed` and returns it. One statement: the
 * SELECT half does not see the row the INSERT half adds, so exactly one of them answers.
 */
export async function selectOrSeedSettings(sql: Sql, seed: unknown): Promise<StoredSettings> {
  const [row] = await sql.query<StoredSettings>(
    `WITH seeded AS (
       INSERT INTO "LoyaltySettings" ("id", "settings") VALUES (1, $1::jsonb)
       ON CONFLICT ("id") DO NOTHING
       RETURNING "settings", "version"
     )
     SELECT "settings", "version" FROM seeded
     UNION ALL
     SELECT "settings", "version" FROM "LoyaltySettings" WHERE "id" = 1
     LIMIT 1`,
    [jsonParam(seed)],
  );
  if (!row) throw new Error("LoyaltySettings: neither stored nor seeded");
  return row;
}

/** Replaces the settings; returns the new version. */
export async function updateSettings(
  sql: Sql,
  options: { settings: unknown; staffId: string | null; at: Date },
): Promise<number> {
  const [row] = await sql.query<{ version: number }>(
    `UPDATE "LoyaltySettings"
     SET "settings" = $1::jsonb, "version" = "version" + 1, "updatedAt" = $3,
         "updatedById" = $2::uuid
     WHERE "id" = 1
     RETURNING "version"`,
    [jsonParam(options.settings), options.staffId, options.at],
  );
  if (!row) throw new Error("LoyaltySettings: no row to update");
  return row.version;
}

/** The settings row locked for a change (read-modify-write by two owners at once). */
export async function lockSettings(sql: Sql): Promise<StoredSettings | null> {
  const [row] = await sql.query<StoredSettings>(
    `SELECT "settings", "version" FROM "LoyaltySettings" WHERE "id" = 1 FOR UPDATE`,
  );
  return row ?? null;
}
