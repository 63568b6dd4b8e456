import { AuditAction, recordAudit } from "../access/audit.ts";
import { Permission, requirePermission } from "../access/permissions.ts";
import type { Campaign, CampaignStatus } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { cancelCampaignRows, setCampaignStatus } from "../db/tables/campaigns.ts";
import { audienceRule, audienceWhere, compileContext, emptyAudienceMessage } from "./audience.ts";
import {
  audienceOf,
  campaignView,
  conflict,
  invalid,
  requireCampaign,
  SEND_AT_GRACE_MS,
} from "./campaign-record.ts";
import { analyzeAfterLaunch, materialiseRecipients } from "./materialise.ts";
import type { CampaignDeps, CampaignView } from "./types.ts";

/**
 * Launches a DRAFT: with no sendAt (or one within the grace) its recipients are materialised
 * now and it is SENDING; with a future sendAt it is SCHEDULED and the every-minute job
 * materialises it then (scheduled-launch.ts). A second launch is a 409 (`already launched`);
 * an audience that matches nobody is a 409 saying why, and the campaign stays a DRAFT.
 */
export async function launchCampaign(deps: CampaignDeps, id: string): Promise<CampaignView> {
  requirePermission(deps.actor, Permission.broadcast);
  const now = deps.now?.() ?? new Date();
  const context = compileContext({ ...deps, now: () => now });
  const row = await deps.sql.transaction(async (tx) => {
    const campaign = await requireCampaign(tx, id, { lock: true });
    if (campaign.status !== "DRAFT")
      throw conflict(`The campaign is already launched (${campaign.status.toLowerCase()})`, {
        status: campaign.status,
      });
    const sendAt = campaign.scheduledAt;
    if (sendAt && sendAt.getTime() < now.getTime() - SEND_AT_GRACE_MS)
      throw invalid("sendAt", `is in the past (${sendAt.toISOString()}); change it or clear it`);
    let launched: Campaign;
    if (sendAt && sendAt.getTime() > now.getTime()) {
      const rule = await audienceRule(tx, audienceOf(campaign));
      if ((await countWhere(tx, audienceWhere(rule, campaign.marketing, context))) === 0)
        throw conflict(await emptyAudienceMessage(tx, rule, campaign.marketing, context));
      launched = await setCampaignStatus(tx, id, { status: "SCHEDULED", at: now });
    } else {
      const result = await materialiseRecipients(tx, campaign, context);
      if (result.recipients === 0) {
        const rule = await audienceRule(tx, audienceOf(campaign));
        // Thrown inside the transaction: nothing was written, the campaign stays a DRAFT.
        throw conflict(await emptyAudienceMessage(tx, rule, campaign.marketing, context));
      }
      launched = result.campaign;
    }
    await recordAudit(tx, {
      actor: deps.actor,
      action: AuditAction.campaignLaunched,
      data: {
        campaignId: id,
        status: launched.status,
        recipients: launched.recipients,
        sendAt: sendAt?.toISOString() ?? null,
      },
      now,
    });
    return launched;
  });
  if (row.status === "SENDING") await analyzeAfterLaunch(deps.sql, row.recipients);
  return campaignView(row);
}

async function countWhere(sql: Sql, where: { text: string; values: unknown[] }): Promise<number> {
  const [row] = await sql.query<{ count: number }>(
    `SELECT count(*)::int AS "count" FROM "Customer" c WHERE ${where.text}`,
    where.values,
  );
  return row?.count ?? 0;
}

/** One change of state, allowed from `from`, audited. */
async function transition(
  deps: CampaignDeps,
  id: string,
  options: {
    from: CampaignStatus[];
    verb: string;
    action: (typeof AuditAction)[keyof typeof AuditAction];
    apply(tx: Sql, campaign: Campaign, now: Date): Promise<Campaign>;
  },
): Promise<CampaignView> {
  requirePermission(deps.actor, Permission.broadcast);
  const now = deps.now?.() ?? new Date();
  const row = await deps.sql.transaction(async (tx) => {
    const campaign = await requireCampaign(tx, id, { lock: true });
    if (!options.from.includes(campaign.status))
      throw conflict(
        `A ${campaign.status.toLowerCase()} campaign cannot be ${options.verb} (only ${options.from
          .map((s) => s.toLowerCase())
          .join(" or ")})`,
        { status: campaign.status },
      );
    const changed = await options.apply(tx, campaign, now);
    await recordAudit(tx, {
      actor: deps.actor,
      action: options.action,
      data: { campaignId: id, from: campaign.status, to: changed.status },
      now,
    });
    return changed;
  });
  return campaignView(row);
}

/** The dispatcher leaves a PAUSED campaign's rows alone until it is resumed. */
export function pauseCampaign(deps: CampaignDeps, id: string): Promise<CampaignView> {
  return transition(deps, id, {
    from: ["SENDING"],
    verb: "paused",
    action: AuditAction.campaignPaused,
    apply: (tx, _campaign, now) =>
      setCampaignStatus(tx, id, { status: "PAUSED", at: now, pausedAt: now }),
  });
}

export function resumeCampaign(deps: CampaignDeps, id: string): Promise<CampaignView> {
  return transition(deps, id, {
    from: ["PAUSED"],
    verb: "resumed",
    action: AuditAction.campaignResumed,
    apply: (tx, _campaign, now) =>
      setCampaignStatus(tx, id, {
        status: "SENDING",
        at: now,
        clearPausedAt: true,
        lastError: null,
      }),
  });
}

/**
 * Stops a campaign for good, before or while it sends: its rows not yet claimed become
 * CANCELLED in one statement (a row a dispatcher holds right now may still go).
 */
export function cancelCampaign(deps: CampaignDeps, id: string): Promise<CampaignView> {
  return transition(deps, id, {
    from: ["DRAFT", "SCHEDULED", "SENDING", "PAUSED"],
    verb: "cancelled",
    action: AuditAction.campaignCancelled,
    apply: (tx, _campaign, now) => cancelCampaignRows(tx, id, now),
  });
}
