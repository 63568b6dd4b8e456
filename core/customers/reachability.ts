import type { PrismaClient } from "../db/client.ts";
import { EventType, recordEvent } from "../events.ts";

/**
 * Whether the bot can message a customer. Telegram tells us through `my_chat_member` updates
 * and through 403 answers on send; campaigns skip unreachable customers.
 * Returns false when nothing changed (unknown user, or already in that state).
 */
export async function setReachability(
  db: PrismaClient,
  options: { telegramId: number; reachable: boolean; reason: "chat_member" | "send_failed" },
): Promise<boolean> {
  const customer = await db.customer.findUnique({
    where: { telegramId: BigInt(options.telegramId) },
    select: { id: true, reachable: true },
  });
  if (!customer || customer.reachable === options.reachable) return false;
  await db.$transaction(async (tx) => {
    await tx.customer.update({
      where: { id: customer.id },
      data: {
        reachable: options.reachable,
        unreachableSince: options.reachable ? null : new Date(),
      },
    });
    await recordEvent(
      tx,
      customer.id,
      options.reachable ? EventType.botUnblocked : EventType.botBlocked,
      { reason: options.reason },
    );
  });
  return true;
}
