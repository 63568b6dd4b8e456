import type { Sql } from "../db/sql.ts";
import {
  finishSentCampaigns,
  lockScheduledCampaign,
  selectDueCampaignIds,
  setCampaignStatus,
} from "../db/tables/campaigns.ts";
import { AppError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { analyzeAfterLaunch, LOCAL_TIME_LEAD_HOURS, materialiseRecipients } from "./materialise.ts";

/**
 * The every-minute job: SCHEDULED campaigns whose sendAt has come (a local-time one
 * LOCAL_TIME_LEAD_HOURS ahead) get their recipients materialised and send; SENDING ones whose
 * every row reached an end become SENT. Each campaign is its own transaction, taken with SKIP
 * LOCKED, so two processes never materialise one twice (the dedupe keys would refuse it anyway).
 */
export async function launchScheduledCampaigns(deps: {
  sql: Sql;
  timeZone: string;
  now?: () => Date;
  logger?: Logger;
}): Promise<{ launched: string[]; empty: string[]; failed: string[]; finished: number }> {
  const now = deps.now?.() ?? new Date();
  const launched: string[] = [];
  const empty: string[] = [];
  const failed: string[] = [];
  let recipients = 0;
  for (const id of await selectDueCampaignIds(deps.sql, now, LOCAL_TIME_LEAD_HOURS)) {
    try {
      await deps.sql.transaction(async (tx) => {
        const campaign = await lockScheduledCampaign(tx, id);
        if (!campaign) return;
        const result = await materialiseRecipients(tx, campaign, { now, timeZone: deps.timeZone });
        if (result.recipients > 0) {
          launched.push(id);
          recipients += result.recipients;
          return;
        }
        // Nobody left at sendAt (everyone unsubscribed meanwhile): it ends, saying so.
        empty.push(id);
        await setCampaignStatus(tx, id, {
          status: "SENT",
          at: now,
          finishedAt: now,
          lastError: "Nobody in the audience at the time of sending",
        });
      });
    } catch (error) {
      failed.push(id);
      // A segment deleted since the launch: the campaign cannot go; it says why.
      const reason = error instanceof AppError ? error.message : "Materialising recipients failed";
      await setCampaignStatus(deps.sql, id, {
        status: "CANCELLED",
        at: now,
        finishedAt: now,
        lastError: reason,
      }).catch(() => {});
      deps.logger?.error({ err: error, campaignId: id }, "scheduled campaign failed to launch");
    }
  }
  await analyzeAfterLaunch(deps.sql, recipients);
  const finished = await finishSentCampaigns(deps.sql, now);
  return { launched, empty, failed, finished };
}
