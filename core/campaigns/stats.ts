import type { Sql } from "../db/sql.ts";
import { selectCampaign, selectClickCounts, selectDeliveryCounts } from "../db/tables/campaigns.ts";
import { variantsOf } from "./campaign-record.ts";
import type { CampaignStats, VariantStats } from "./types.ts";

const empty = (): Omit<VariantStats, "key" | "share"> => ({
  recipients: 0,
  sent: 0,
  failed: 0,
  blocked: 0,
  skipped: 0,
  pending: 0,
  cancelled: 0,
  clicks: 0,
});

/**
 * A campaign's deliveries by outcome, in total and per A/B variant, from two grouped queries
 * over its rows (the index on campaignId, status). Test sends and message changes are not
 * deliveries and are not counted.
 */
export async function campaignStats(sql: Sql, id: string): Promise<CampaignStats> {
  const [campaign, deliveries, clicks] = await Promise.all([
    selectCampaign(sql, id),
    selectDeliveryCounts(sql, id),
    selectClickCounts(sql, id),
  ]);
  const total = { ...empty(), buttonClicks: 0, unsubscribes: 0, possibleDuplicates: 0 };
  const declared = campaign ? variantsOf(campaign) : [];
  const byVariant = new Map<string, VariantStats>(
    declared.map((variant) => [
      variant.key,
      { key: variant.key, share: variant.share, ...empty() },
    ]),
  );
  const variantOf = (key: string | null) => {
    if (key === null) return undefined;
    let found = byVariant.get(key);
    if (!found) {
      found = { key, share: 0, ...empty() };
      byVariant.set(key, found);
    }
    return found;
  };
  for (const row of deliveries) {
    const field = outcome(row.status);
    const variant = variantOf(row.variant);
    total.recipients += row.count;
    total.possibleDuplicates += row.reclaimedSent;
    if (variant) variant.recipients += row.count;
    if (field) {
      total[field] += row.count;
      if (variant) variant[field] += row.count;
    }
  }
  for (const row of clicks) {
    total.clicks += row.deliveries;
    total.buttonClicks += row.presses;
    total.unsubscribes += row.unsubscribes;
    const variant = variantOf(row.variant);
    if (variant) variant.clicks += row.deliveries;
  }
  return { ...total, variants: [...byVariant.values()] };
}

function outcome(
  status: string,
): "sent" | "failed" | "blocked" | "skipped" | "pending" | "cancelled" | null {
  switch (status) {
    case "SENT":
      return "sent";
    case "FAILED":
      return "failed";
    case "BLOCKED":
      return "blocked";
    case "SKIPPED":
      return "skipped";
    case "PENDING":
    case "SENDING":
      return "pending";
    case "CANCELLED":
      return "cancelled";
    default:
      return null;
  }
}
