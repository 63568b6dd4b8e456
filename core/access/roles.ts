import { StaffRole } from "../../prisma/generated/enums.ts";

/** The staff roles, from the schema's enum (the generated module is plain constants). */
export const StaffRoles = Object.values(StaffRole) as [StaffRole, ...StaffRole[]];
