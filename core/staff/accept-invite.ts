import { randomUUID } from "node:crypto";
import { AuditAction, recordAudit } from "../access/audit.ts";
import { hashToken } from "../access/authenticate.ts";
import type { StaffMember } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import {
  lockStaffInvite,
  markStaffInviteUsed,
  selectStaffByTelegramId,
  upsertStaffMember,
} from "../db/tables/staff.ts";

export type AcceptInviteResult =
  | { kind: "joined"; staff: StaffMember }
  /** No invite with this code (mistyped, or made up). */
  | { kind: "unknown" }
  | { kind: "used" }
  | { kind: "expired" }
  /** This Telegram account is an active staff member already; the invite stays unused. */
  | { kind: "already_staff"; staff: StaffMember };

/**
 * Opening an invite link makes the person's Telegram account a staff member with the invite's
 * name and role (a disabled one is enabled again). Each invite works once, before it expires.
 */
export function acceptStaffInvite(
  sql: Sql,
  options: { code: string; telegramId: number; now?: Date },
): Promise<AcceptInviteResult> {
  const now = options.now ?? new Date();
  return sql.transaction(async (tx): Promise<AcceptInviteResult> => {
    const invite = await lockStaffInvite(tx, hashToken(options.code.toUpperCase()));
    if (!invite) return { kind: "unknown" };
    if (invite.usedAt) return { kind: "used" };
    if (invite.expiresAt <= now) return { kind: "expired" };
    const existing = await selectStaffByTelegramId(tx, options.telegramId);
    if (existing?.active) return { kind: "already_staff", staff: existing };
    const staff = await upsertStaffMember(tx, {
      id: existing?.id ?? randomUUID(),
      name: invite.name,
      role: invite.role,
      telegramId: options.telegramId,
      at: now,
    });
    await markStaffInviteUsed(tx, { inviteId: invite.id, staffId: staff.id, at: now });
    await recordAudit(tx, {
      actor: { staffId: staff.id, role: staff.role, via: "telegram" },
      action: AuditAction.staffJoined,
      data: { inviteId: invite.id, role: staff.role },
      now,
    });
    return { kind: "joined", staff };
  });
}
