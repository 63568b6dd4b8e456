import { randomUUID } from "node:crypto";
import { AuditAction, recordAudit } from "../access/audit.ts";
import { hashToken } from "../access/authenticate.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import { generateReferralCode } from "../customers/referral-code.ts";
import type { StaffRole } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { insertStaffInvite } from "../db/tables/staff.ts";

export const DEFAULT_INVITE_HOURS = 24;

/**
 * A one-time invite: whoever opens t.me/<bot>?start=staff_<code> within `validHours` becomes a
 * staff member with `role`. Only the code's hash is stored; the code is returned once, here.
 */
export async function inviteStaff(
  sql: Sql,
  options: {
    actor: Actor;
    name: string;
    role: StaffRole;
    validHours?: number;
    now?: Date;
  },
): Promise<{ code: string; inviteId: string; expiresAt: Date }> {
  requirePermission(options.actor, Permission.manageStaff);
  const now = options.now ?? new Date();
  // 16 characters of an unambiguous alphabet: about 79 bits, and short enough for a QR code.
  const code = generateReferralCode(16);
  const expiresAt = new Date(
    now.getTime() + (options.validHours ?? DEFAULT_INVITE_HOURS) * 3_600_000,
  );
  return sql.transaction(async (tx) => {
    const invite = await insertStaffInvite(tx, {
      id: randomUUID(),
      codeHash: hashToken(code),
      name: options.name,
      role: options.role,
      createdById: options.actor.staffId,
      expiresAt,
      at: now,
    });
    await recordAudit(tx, {
      actor: options.actor,
      action: AuditAction.staffInvited,
      data: { inviteId: invite.id, name: options.name, role: options.role },
      now,
    });
    return { code, inviteId: invite.id, expiresAt };
  });
}
