import type { Customer } from "../db/client.ts";

/**
 * The client type, from the seeds of the customer base:
 * - `buyer`: has at least one purchase that was not refunded in full;
 * - `no_purchase`: no purchase yet, but came back to the bot on a later day than they joined;
 * - `new`: no purchase, and not seen since the day they joined.
 * Derived from columns kept current with each purchase, refund and update (purchaseCount,
 * onboardedAt or createdAt, lastSeenAt), so it is never stale and costs nothing to keep.
 */
export const ClientTypes = ["new", "no_purchase", "buyer"] as const;
export type ClientType = (typeof ClientTypes)[number];

/** Seen again at least this long after joining counts as having come back. */
const RETURN_AFTER_MS = 24 * 3_600_000;

export function clientType(
  customer: Pick<Customer, "purchaseCount" | "onboardedAt" | "createdAt" | "lastSeenAt">,
): ClientType {
  if (customer.purchaseCount > 0) return "buyer";
  const joined = customer.onboardedAt ?? customer.createdAt;
  return customer.lastSeenAt.getTime() - joined.getTime() >= RETURN_AFTER_MS
    ? "no_purchase"
    : "new";
}
