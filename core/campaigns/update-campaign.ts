import { AuditAction, recordAudit } from "../access/audit.ts";
import { Permission, requirePermission } from "../access/permissions.ts";
import { updateCampaignFields } from "../db/tables/campaigns.ts";
import type { CampaignInput } from "./campaign-input.ts";
import { campaignView, conflict, invalid, requireCampaign } from "./campaign-record.ts";
import { prepareCampaign } from "./prepare-campaign.ts";
import type { CampaignDeps, CampaignView } from "./types.ts";

/**
 * Replaces a campaign's name, words, audience and time. Only a DRAFT or a SCHEDULED one (its
 * recipients are not materialised yet; it stays SCHEDULED and needs a future sendAt). Once it
 * sends, its rows are fixed: a 409 — pause or cancel it, and change what was already sent
 * with edit-messages.
 */
export async function updateCampaign(
  deps: CampaignDeps,
  id: string,
  input: CampaignInput,
): Promise<CampaignView> {
  requirePermission(deps.actor, Permission.broadcast);
  const { audienceKind: _kind, ...fields } = await prepareCampaign(deps, input);
  const now = deps.now?.() ?? new Date();
  const row = await deps.sql.transaction(async (tx) => {
    const current = await requireCampaign(tx, id, { lock: true });
    if (current.status !== "DRAFT" && current.status !== "SCHEDULED")
      throw conflict(
        `The campaign is ${current.status.toLowerCase()}: only a draft or a scheduled campaign can be changed${
          current.status === "SENT" || current.status === "SENDING" || current.status === "PAUSED"
            ? " (change the messages already sent with edit-messages)"
            : ""
        }`,
        { status: current.status },
      );
    if (current.status === "SCHEDULED" && (!fields.scheduledAt || fields.scheduledAt <= now))
      throw invalid("sendAt", "a scheduled campaign needs a future time (cancel it to stop it)");
    const updated = await updateCampaignFields(tx, id, fields, now);
    await recordAudit(tx, {
      actor: deps.actor,
      action: AuditAction.campaignChanged,
      data: { campaignId: id, name: updated.name },
      now,
    });
    return updated;
  });
  return campaignView(row);
}
