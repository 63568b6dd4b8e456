import type { PrismaClient } from "../db/client.ts";

export type HistoryItem = {
  at: string;
  kind: string;
  delta: number;
  balanceAfter: number;
  /** Purchase amount in minor units (decimal string) when the entry belongs to a purchase. */
  purchaseAmountMinor: string | null;
};

export type HistoryPage = { items: HistoryItem[]; page: number; pages: number; total: number };

/** Points movements newest first, with the purchase each belongs to. Pages count from 1. */
export async function getHistory(
  db: PrismaClient,
  options: { customerId: string; page: number; pageSize: number },
): Promise<HistoryPage> {
  const total = await db.pointsEntry.count({ where: { customerId: options.customerId } });
  const pages = Math.max(1, Math.ceil(total / options.pageSize));
  const page = Math.min(Math.max(1, Math.floor(options.page)), pages);
  const entries = await db.pointsEntry.findMany({
    where: { customerId: options.customerId },
    include: { purchase: { select: { amountMinor: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * options.pageSize,
    take: options.pageSize,
  });
  return {
    total,
    page,
    pages,
    items: entries.map((e) => ({
      at: e.createdAt.toISOString(),
      kind: e.kind,
      delta: e.delta,
      balanceAfter: e.balanceAfter,
      purchaseAmountMinor: e.purchase?.amountMinor.toString() ?? null,
    })),
  };
}
