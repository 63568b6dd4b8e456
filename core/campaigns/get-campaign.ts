import { Permission, requirePermission } from "../access/permissions.ts";
import type { CampaignStatus } from "../db/client.ts";
import { selectCampaign, selectCampaigns } from "../db/tables/campaigns.ts";
import { campaignView, requireCampaign } from "./campaign-record.ts";
import { campaignStats } from "./stats.ts";
import type { CampaignDeps, CampaignStats, CampaignView } from "./types.ts";

export async function getCampaign(
  deps: CampaignDeps,
  id: string,
): Promise<CampaignView & { stats: CampaignStats }> {
  requirePermission(deps.actor, Permission.broadcast);
  const row = await requireCampaign(deps.sql, id);
  return { ...campaignView(row), stats: await campaignStats(deps.sql, id) };
}

/** Newest first, a page at a time; `cursor` is the last id of the previous page. */
export async function listCampaigns(
  deps: CampaignDeps,
  query: { status?: CampaignStatus | undefined; limit: number; cursor?: string | undefined },
): Promise<{ campaigns: CampaignView[]; nextCursor: string | null }> {
  requirePermission(deps.actor, Permission.broadcast);
  const after = query.cursor ? await selectCampaign(deps.sql, query.cursor) : null;
  const rows = await selectCampaigns(deps.sql, {
    status: query.status,
    limit: query.limit + 1,
    ...(after ? { before: { createdAt: after.createdAt, id: after.id } } : {}),
  });
  const page = rows.slice(0, query.limit);
  return {
    campaigns: page.map(campaignView),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
