import type { StaffRole } from "../db/client.ts";
import { AppError } from "../errors.ts";

/**
 * What each staff role may do — the one table every check reads (in the bot and the API alike)
 * and the README's table shows. Nobody may credit, debit or record purchases on their own card,
 * whatever their role (see `requireNotOwnCard`).
 */
export const Permission = {
  lookupCustomer: "lookupCustomer",
  /** Browse the customer base and read full profiles (the API's customer list and detail). */
  viewCustomers: "viewCustomers",
  /** Export customers' personal data (files, bulk downloads). */
  exportCustomers: "exportCustomers",
  /** Load a client base from a CSV or XLSX file (creates and fills in customers in bulk). */
  importCustomers: "importCustomers",
  registerCustomer: "registerCustomer",
  recordPurchase: "recordPurchase",
  refundPurchase: "refundPurchase",
  adjustPoints: "adjustPoints",
  recordEvent: "recordEvent",
  bulkPoints: "bulkPoints",
  mergeCustomers: "mergeCustomers",
  redeemReward: "redeemReward",
  manageRewards: "manageRewards",
  manageSettings: "manageSettings",
  broadcast: "broadcast",
  manageStaff: "manageStaff",
  viewAudit: "viewAudit",
  /** The question bank, packs and surveys. */
  manageQuestions: "manageQuestions",
  /** Saved segments (customer groups by rule); reading them needs viewCustomers. */
  manageSegments: "manageSegments",
  /** Feedback items and profile analytics (they show customers' words and contacts). */
  viewFeedback: "viewFeedback",
  /** Answer a customer's low score from the bot, closing the item. */
  answerFeedback: "answerFeedback",
  /** Change a customer's fields, tags and attributes from the admin API. */
  editCustomers: "editCustomers",
  /** Erase a customer's personal data for good (keeps the anonymous figures). */
  anonymiseCustomers: "anonymiseCustomers",
  /** Outgoing webhooks: endpoints, their secrets and delivery logs. */
  manageWebhooks: "manageWebhooks",
} as const;

export type Permission = (typeof Permission)[keyof typeof Permission];

const cashier: Permission[] = [
  Permission.lookupCustomer,
  Permission.registerCustomer,
  Permission.recordPurchase,
  Permission.redeemReward,
  Permission.answerFeedback,
];
const manager: Permission[] = [
  ...cashier,
  Permission.refundPurchase,
  Permission.recordEvent,
  Permission.viewCustomers,
  Permission.exportCustomers,
  Permission.importCustomers,
  Permission.mergeCustomers,
  Permission.manageRewards,
  Permission.broadcast,
  Permission.manageQuestions,
  Permission.manageSegments,
  Permission.viewFeedback,
  Permission.editCustomers,
];

/** Reads what the others record, changes nothing and exports no personal data. */
const viewer: Permission[] = [
  Permission.lookupCustomer,
  Permission.viewCustomers,
  Permission.viewFeedback,
];

export const rolePermissions: Record<StaffRole, ReadonlySet<Permission>> = {
  VIEWER: new Set(viewer),
  CASHIER: new Set(cashier),
  MANAGER: new Set(manager),
  OWNER: new Set(Object.values(Permission)),
};

/** Every role with the permission, as the API's document lists them. */
export function rolesWith(permission: Permission): StaffRole[] {
  return (Object.keys(rolePermissions) as StaffRole[]).filter((role) => can(role, permission));
}

/** The least role with the permission, as the API's document states it. */
export function minimumRole(permission: Permission): StaffRole {
  const roles: StaffRole[] = ["CASHIER", "MANAGER", "OWNER"];
  return roles.find((role) => can(role, permission)) ?? "OWNER";
}

export function can(role: StaffRole, permission: Permission): boolean {
  return rolePermissions[role].has(permission);
}

/** The acting staff member, as checks need them. */
export type Actor = {
  staffId: string | null;
  role: StaffRole;
  /** "telegram", "api-token:<id>", "admin-token", "cli" (see AuditEntry.actor). */
  via: string;
  /** Their own customer record, if they are also a customer (nobody serves their own card). */
  ownCustomerId?: string | null;
};

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) {
    throw new AppError("forbidden", `The ${actor.role} role may not ${permission}`, {
      permission,
      role: actor.role,
    });
  }
}

/** Staff never move points or record purchases on their own card. */
export function requireNotOwnCard(actor: Actor, customerId: string): void {
  if (actor.ownCustomerId && actor.ownCustomerId === customerId) {
    throw new AppError("forbidden", "Staff may not serve their own card", { reason: "own_card" });
  }
}
