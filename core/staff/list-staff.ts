import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { StaffMember } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { selectStaffMembers } from "../db/tables/staff.ts";

export function listStaff(sql: Sql, options: { actor: Actor }): Promise<StaffMember[]> {
  requirePermission(options.actor, Permission.manageStaff);
  return selectStaffMembers(sql);
}
