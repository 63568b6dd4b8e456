import type { PrismaClient } from "../db/client.ts";
import { AppError } from "../errors.ts";

/** A customer with card, recent ledger and timeline: what an owner reviews. */
export async function getCustomerProfile(db: PrismaClient, customerId: string) {
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    include: {
      card: true,
      ledger: { orderBy: { createdAt: "desc" }, take: 20 },
      events: { orderBy: { createdAt: "desc" }, take: 50 },
    },
  });
  if (!customer) throw new AppError("not_found", `Customer ${customerId} not found`);
  return customer;
}
