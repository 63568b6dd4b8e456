import type { Sql } from "../db/sql.ts";
import { selectHistoryPage } from "../db/tables/points-entries.ts";

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
  sql: Sql,
  options: { customerId: string; page: number; pageSize: number },
): Promise<HistoryPage> {
  const rows = await selectHistoryPage(sql, options);
  const total = rows[0]?.total ?? 0;
  const items: HistoryItem[] = [];
  for (const row of rows) {
    if (!row.createdAt || !row.kind || row.delta === null || row.balanceAfter === null) continue;
    items.push({
      at: row.createdAt.toISOString(),
      kind: row.kind,
      delta: row.delta,
      balanceAfter: row.balanceAfter,
      purchaseAmountMinor: row.purchaseAmountMinor?.toString() ?? null,
    });
  }
  return {
    total,
    page: rows[0]?.page ?? 1,
    pages: Math.max(1, Math.ceil(total / options.pageSize)),
    items,
  };
}
