import type { StaffInvite, StaffMember, StaffRole } from "../client.ts";
import type { Sql } from "../sql.ts";

/** "StaffMember" and "StaffInvite": who works here, and the links that let them in. */

export async function insertStaffInvite(
  sql: Sql,
  invite: {
    id: string;
    codeHash: string;
    name: string;
    role: StaffRole;
    createdById: string | null;
    expiresAt: Date;
    at: Date;
  },
): Promise<StaffInvite> {
  const [row] = await sql.query<StaffInvite>(
    `INSERT INTO "StaffInvite" ("id", "codeHash", "name", "role", "createdById", "expiresAt", "createdAt")
     VALUES ($1, $2, $3, $4, $5::uuid, $6, $7)
     RETURNING *`,
    [
      invite.id,
      invite.codeHash,
      invite.name,
      invite.role,
      invite.createdById,
      invite.expiresAt,
      invite.at,
    ],
  );
  return row as StaffInvite;
}

/** The invite with this code, locked until the transaction ends. */
export async function lockStaffInvite(tx: Sql, codeHash: string): Promise<StaffInvite | null> {
  const [row] = await tx.query<StaffInvite>(
    `SELECT * FROM "StaffInvite" WHERE "codeHash" = $1 FOR UPDATE`,
    [codeHash],
  );
  return row ?? null;
}

export async function markStaffInviteUsed(
  tx: Sql,
  options: { inviteId: string; staffId: string; at: Date },
): Promise<void> {
  await tx.query(`UPDATE "StaffInvite" SET "usedAt" = $3, "staffId" = $2 WHERE "id" = $1`, [
    options.inviteId,
    options.staffId,
    options.at,
  ]);
}

export async function selectStaffByTelegramId(
  sql: Sql,
  telegramId: number,
): Promise<StaffMember | null> {
  const [row] = await sql.query<StaffMember>(
    `SELECT * FROM "StaffMember" WHERE "telegramId" = $1`,
    [telegramId],
  );
  return row ?? null;
}

/** Makes the Telegram account a staff member: a new one, or one disabled before, re-enabled. */
export async function upsertStaffMember(
  tx: Sql,
  staff: { id: string; name: string; role: StaffRole; telegramId: number; at: Date },
): Promise<StaffMember> {
  const [row] = await tx.query<StaffMember>(
    `INSERT INTO "StaffMember" ("id", "name", "role", "telegramId", "active", "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4, true, $5, $5)
     ON CONFLICT ("telegramId") DO UPDATE
       SET "name" = EXCLUDED."name", "role" = EXCLUDED."role", "active" = true,
           "updatedAt" = EXCLUDED."updatedAt"
     RETURNING *`,
    [staff.id, staff.name, staff.role, staff.telegramId, staff.at],
  );
  return row as StaffMember;
}

/** Disables a staff member; returns them, or null when there is no such id. */
export async function disableStaffMember(
  sql: Sql,
  id: string,
  at: Date,
): Promise<StaffMember | null> {
  const [row] = await sql.query<StaffMember>(
    `UPDATE "StaffMember" SET "active" = false, "updatedAt" = $2 WHERE "id" = $1 RETURNING *`,
    [id, at],
  );
  return row ?? null;
}

export async function selectStaffMembers(sql: Sql): Promise<StaffMember[]> {
  return sql.query<StaffMember>(`SELECT * FROM "StaffMember" ORDER BY "createdAt", "id"`);
}

/** The customer record of a staff member who is also a customer (same Telegram account). */
export async function selectOwnCustomerId(sql: Sql, staffId: string): Promise<string | null> {
  const [row] = await sql.query<{ id: string }>(
    `SELECT c."id" FROM "StaffMember" s JOIN "Customer" c ON c."telegramId" = s."telegramId"
     WHERE s."id" = $1`,
    [staffId],
  );
  return row?.id ?? null;
}
