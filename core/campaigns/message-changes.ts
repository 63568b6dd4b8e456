import { AuditAction, recordAudit } from "../access/audit.ts";
import { Permission, requirePermission } from "../access/permissions.ts";
import { queueMessageChanges, updateCampaignTexts } from "../db/tables/campaigns.ts";
import type { EditMessagesInput } from "./campaign-input.ts";
import { CAPTION_MAX } from "./campaign-input.ts";
import {
  conflict,
  invalid,
  messageOf,
  ownerText,
  requireCampaign,
  variantsOf,
} from "./campaign-record.ts";
import type { MessageSpec } from "./message.ts";
import { checkPlaceholders, knownPlaceholders } from "./prepare-campaign.ts";
import type { CampaignDeps } from "./types.ts";

/** Telegram lets a bot delete or edit its messages for 48 hours. */
export const CHANGE_WINDOW_MS = 48 * 3_600_000;

const sentStates = ["SENDING", "PAUSED", "SENT", "CANCELLED"];

/**
 * Deletes the campaign's message from every chat it reached within the last 48 hours: one
 * "campaign_change" outbox row per such delivery (MessageChangePayload), queued in one
 * statement; the dispatcher makes the calls. Rows not sent yet still go — cancel first to stop
 * them. Returns how many were queued.
 */
export async function deleteSentMessages(
  deps: CampaignDeps,
  id: string,
): Promise<{ queued: number }> {
  requirePermission(deps.actor, Permission.broadcast);
  const now = deps.now?.() ?? new Date();
  return deps.sql.transaction(async (tx) => {
    const campaign = await requireCampaign(tx, id, { lock: true });
    if (!sentStates.includes(campaign.status))
      throw conflict(`A ${campaign.status.toLowerCase()} campaign has sent nothing`, {
        status: campaign.status,
      });
    const queued = await queueMessageChanges(tx, {
      campaignId: id,
      change: "delete",
      since: new Date(now.getTime() - CHANGE_WINDOW_MS),
      at: now,
      tag: "delete",
    });
    await recordAudit(tx, {
      actor: deps.actor,
      action: AuditAction.campaignMessagesDeleted,
      data: { campaignId: id, queued },
      now,
    });
    return { queued };
  });
}

/**
 * Changes the words of a campaign already sent and edits them in every chat reached within
 * the last 48 hours (one "campaign_change" row each); rows not sent yet go with the new words.
 * Buttons, photo and audience stay: only the text (and the variants' texts) change.
 */
export async function editSentMessages(
  deps: CampaignDeps,
  id: string,
  input: EditMessagesInput,
): Promise<{ queued: number }> {
  requirePermission(deps.actor, Permission.broadcast);
  const now = deps.now?.() ?? new Date();
  checkPlaceholders(
    [
      ["text", input.text],
      ...(input.variants ?? []).map(
        (variant, i) => [`variants.${i}.text`, variant.text] as [string, typeof variant.text],
      ),
    ],
    await knownPlaceholders(deps),
  );
  return deps.sql.transaction(async (tx) => {
    const campaign = await requireCampaign(tx, id, { lock: true });
    if (!sentStates.includes(campaign.status))
      throw conflict(
        `A ${campaign.status.toLowerCase()} campaign has sent nothing; change it with PUT`,
        { status: campaign.status },
      );
    const message = messageOf(campaign);
    const variants = variantsOf(campaign);
    for (const [i, variant] of (input.variants ?? []).entries()) {
      if (!variants.some((v) => v.key === variant.key))
        throw invalid(`variants.${i}.key`, `the campaign has no variant "${variant.key}"`);
    }
    const text = ownerText(input.text);
    const changed: MessageSpec = { ...message, text };
    const changedVariants = variants.map((variant) => {
      const edit = input.variants?.find((v) => v.key === variant.key);
      return edit ? { ...variant, text: ownerText(edit.text) } : variant;
    });
    if (message.photoUrl) {
      const texts = [text, ...changedVariants.map((v) => v.text)];
      if (texts.some((t) => t.ru.length > CAPTION_MAX || (t.en?.length ?? 0) > CAPTION_MAX))
        throw invalid("text", `at most ${CAPTION_MAX} characters under a photo`);
    }
    await updateCampaignTexts(tx, id, { message: changed, variants: changedVariants }, now);
    const queued = await queueMessageChanges(tx, {
      campaignId: id,
      change: "edit",
      since: new Date(now.getTime() - CHANGE_WINDOW_MS),
      at: now,
      // Each edit is a new change of the same message.
      tag: `edit:${now.getTime()}`,
    });
    await recordAudit(tx, {
      actor: deps.actor,
      action: AuditAction.campaignMessagesEdited,
      data: { campaignId: id, queued },
      now,
    });
    return { queued };
  });
}
