import { randomUUID } from "node:crypto";
import { AuditAction, recordAudit } from "../access/audit.ts";
import { Permission, requirePermission } from "../access/permissions.ts";
import { insertCampaign } from "../db/tables/campaigns.ts";
import type { CampaignInput } from "./campaign-input.ts";
import { campaignView } from "./campaign-record.ts";
import { prepareCampaign } from "./prepare-campaign.ts";
import type { CampaignDeps, CampaignView } from "./types.ts";

/** A new campaign, a DRAFT until launched; the audience must be given (zod requires it). */
export async function createCampaign(
  deps: CampaignDeps,
  input: CampaignInput,
): Promise<CampaignView> {
  requirePermission(deps.actor, Permission.broadcast);
  const { audienceKind: _kind, ...fields } = await prepareCampaign(deps, input);
  const now = deps.now?.() ?? new Date();
  const row = await deps.sql.transaction(async (tx) => {
    const created = await insertCampaign(
      tx,
      { ...fields, id: randomUUID(), createdById: deps.actor.staffId },
      now,
    );
    await recordAudit(tx, {
      actor: deps.actor,
      action: AuditAction.campaignCreated,
      data: { campaignId: created.id, name: created.name },
      now,
    });
    return created;
  });
  return campaignView(row);
}
