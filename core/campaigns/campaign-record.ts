import type { Campaign } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { selectCampaign } from "../db/tables/campaigns.ts";
import { AppError } from "../errors.ts";
import type { OwnerText } from "../outbox/message.ts";
import type { CampaignButton, MessageSpec } from "./message.ts";
import type { CampaignVariant, CampaignView, StoredAudience } from "./types.ts";

/** A sendAt this close behind the clock counts as "now" (the time it took to press the button). */
export const SEND_AT_GRACE_MS = 60_000;

export const notFound = (id: string) =>
  new AppError("not_found", "No campaign with this id", { campaignId: id });

export async function requireCampaign(
  sql: Sql,
  id: string,
  options: { lock?: boolean } = {},
): Promise<Campaign> {
  const row = await selectCampaign(sql, id, options);
  if (!row) throw notFound(id);
  return row;
}

export const messageOf = (row: Campaign) => row.message as unknown as MessageSpec;
export const variantsOf = (row: Campaign) => (row.variants ?? []) as unknown as CampaignVariant[];
export const audienceOf = (row: Campaign) => row.audience as unknown as StoredAudience;

export function campaignView(row: Campaign): CampaignView {
  const message = messageOf(row);
  const audience = audienceOf(row);
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    marketing: row.marketing,
    segment:
      audience.kind === "all"
        ? "all"
        : audience.kind === "segment"
          ? audience.segmentId
          : audience.rule,
    text: message.text,
    buttons: message.buttons ?? [],
    photoUrl: message.photoUrl ?? null,
    parseMode: message.parseMode ?? null,
    variants: variantsOf(row),
    sendAt: row.scheduledAt,
    localTime: row.localTime,
    recipients: row.recipients,
    lastError: row.lastError,
    startedAt: row.startedAt,
    pausedAt: row.pausedAt,
    finishedAt: row.finishedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A text given as one string is the text for every language (Russian is the fallback). */
export const ownerText = (text: string | OwnerText): OwnerText =>
  typeof text === "string" ? { ru: text } : { ru: text.ru, ...(text.en ? { en: text.en } : {}) };

export function ownerButton(
  button: { text: string | OwnerText; url: string } | { text: string | OwnerText; action: string },
): CampaignButton {
  return "url" in button
    ? { text: ownerText(button.text), url: button.url }
    : { text: ownerText(button.text), action: button.action as never };
}

export function conflict(message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError("conflict", message, details);
}

export function invalid(field: string, message: string): AppError {
  return new AppError("invalid_input", `${field}: ${message}`, { issues: [{ field, message }] });
}
