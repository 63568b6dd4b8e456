import type { Customer, PrismaClient } from "../db/client.ts";

/** Finer than this is noise for "last seen" segments, and would cost a write per message. */
const RESOLUTION_MS = 60 * 60 * 1000;

/** Records that the customer was active, at most once an hour. Returns the fresh timestamp. */
export async function touchLastSeen(
  db: PrismaClient,
  customer: Pick<Customer, "id" | "lastSeenAt">,
  now = new Date(),
): Promise<Date> {
  if (now.getTime() - customer.lastSeenAt.getTime() < RESOLUTION_MS) return customer.lastSeenAt;
  await db.customer.update({ where: { id: customer.id }, data: { lastSeenAt: now } });
  return now;
}
