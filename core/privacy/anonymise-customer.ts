import { AuditAction, recordAuditWithPrisma } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { PrismaClient } from "../db/client.ts";
import { deleteCustomerData } from "./delete-customer-data.ts";

/**
 * The owner erasing a customer's personal data on their behalf (a request by phone or e-mail):
 * the same erasure the customer can do in the bot, with an audit row saying who did it.
 */
export async function anonymiseCustomer(
  db: PrismaClient,
  options: { actor: Actor; customerId: string; now?: Date },
): Promise<void> {
  requirePermission(options.actor, Permission.anonymiseCustomers);
  const now = options.now ?? new Date();
  await deleteCustomerData(db, {
    customerId: options.customerId,
    now,
    // The row records the act, not the data, in the erasure's own transaction.
    alsoInTransaction: (tx) =>
      recordAuditWithPrisma(tx, {
        actor: options.actor,
        action: AuditAction.customerAnonymised,
        customerId: options.customerId,
        now,
      }),
  });
}
