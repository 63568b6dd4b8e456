import type { PrismaClient } from "../db/client.ts";

/**
 * Sessions and conversations nobody touched for `olderThanDays` are abandoned (the customer
 * walked away mid-survey); dropping them keeps BotState small. Nothing of business value lives
 * there: profiles, cards and answers are in their own tables.
 */
export async function purgeStaleBotState(
  db: PrismaClient,
  options: { olderThanDays: number; now?: Date },
): Promise<number> {
  const cutoff = new Date(
    (options.now ?? new Date()).getTime() - options.olderThanDays * 86_400_000,
  );
  const { count } = await db.botState.deleteMany({ where: { updatedAt: { lt: cutoff } } });
  return count;
}
