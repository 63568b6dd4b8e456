import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { PrismaClient } from "../db/client.ts";

export type FeedbackStatusFilter = "open" | "closed";

/**
 * Feedback items (low scores: an item has a status) for the owner, newest first, with who
 * gave them, their contacts and the purchase. Plain ratings without an item are not listed.
 */
export async function listFeedback(
  db: PrismaClient,
  options: { actor: Actor; status?: FeedbackStatusFilter; limit: number },
) {
  requirePermission(options.actor, Permission.viewFeedback);
  const rows = await db.feedback.findMany({
    where: {
      status: options.status
        ? { equals: options.status === "open" ? "OPEN" : "CLOSED" }
        : { not: null },
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.limit,
    include: {
      customer: { include: { card: true } },
      purchase: true,
      answeredBy: true,
    },
  });
  return rows;
}

export type FeedbackItem = Awaited<ReturnType<typeof listFeedback>>[number];
