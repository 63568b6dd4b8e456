import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { StaffMember } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { disableStaffMember } from "../db/tables/staff.ts";
import { AppError } from "../errors.ts";

/**
 * Takes a staff member's access away at once: the bot refuses their next staff action and their
 * API tokens stop working. Their records (purchases, audit) stay theirs.
 */
export function disableStaff(
  sql: Sql,
  options: { actor: Actor; staffId: string; now?: Date },
): Promise<StaffMember> {
  requirePermission(options.actor, Permission.manageStaff);
  if (options.actor.staffId === options.staffId) {
    throw new AppError("conflict", "Staff cannot disable themselves");
  }
  const now = options.now ?? new Date();
  return sql.transaction(async (tx) => {
    const staff = await disableStaffMember(tx, options.staffId, now);
    if (!staff) throw new AppError("not_found", `Staff member ${options.staffId} not found`);
    await recordAudit(tx, {
      actor: options.actor,
      action: AuditAction.staffDisabled,
      data: { staffId: staff.id },
      now,
    });
    return staff;
  });
}
