import type { Prisma, PrismaClient } from "../db/client.ts";
import { type EventType, recordEvent } from "../events.ts";

/** Changes a customer and writes the matching timeline event, both or neither. */
export async function updateCustomerWithEvent(
  db: PrismaClient,
  customerId: string,
  data: Prisma.CustomerUpdateInput,
  event: { type: EventType; data?: Prisma.InputJsonObject },
): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.customer.update({ where: { id: customerId }, data });
    await recordEvent(tx, customerId, event.type, event.data ?? {});
  });
}
