import type { CampaignFields } from "../db/tables/campaigns.ts";
import { AppError } from "../errors.ts";
import type { OwnerText } from "../outbox/message.ts";
import { parseAudience } from "./audience.ts";
import type { CampaignInput } from "./campaign-input.ts";
import { invalid, ownerButton, ownerText, SEND_AT_GRACE_MS } from "./campaign-record.ts";
import { type MessageSpec, unknownPlaceholders } from "./message.ts";
import type { CampaignDeps, CampaignVariant, StoredAudience } from "./types.ts";

/** The placeholders the owner may use: the built-in ones and the bank's question keys. */
export async function knownPlaceholders(deps: Pick<CampaignDeps, "questions">): Promise<string[]> {
  return (await deps.questions.all()).map((question) => question.key);
}

/**
 * Every placeholder in every text (each language, each variant, each button label) must be
 * known; the first unknown one is a 400 naming where it is: `text.ru: unknown placeholder {foo}`.
 */
export function checkPlaceholders(
  texts: Array<[string, string | OwnerText]>,
  known: string[],
): void {
  const issues: Array<{ field: string; message: string }> = [];
  for (const [path, text] of texts) {
    const parts: Array<[string, string]> =
      typeof text === "string"
        ? [[path, text]]
        : Object.entries(text).flatMap(([language, value]) =>
            typeof value === "string" ? [[`${path}.${language}`, value] as [string, string]] : [],
          );
    for (const [field, value] of parts) {
      for (const name of unknownPlaceholders(value, known))
        issues.push({ field, message: `unknown placeholder {${name}}` });
    }
  }
  const [first] = issues;
  if (first) throw new AppError("invalid_input", `${first.field}: ${first.message}`, { issues });
}

/** The texts of a campaign input with their paths, for the placeholder check. */
export function inputTexts(input: CampaignInput): Array<[string, string | OwnerText]> {
  return [
    ["text", input.text],
    ...(input.variants ?? []).map(
      (variant, i) => [`variants.${i}.text`, variant.text] as [string, string | OwnerText],
    ),
    ...(input.buttons ?? []).map(
      (button, i) => [`buttons.${i}.text`, button.text] as [string, string | OwnerText],
    ),
  ];
}

/** sendAt as a Date; one in the past (beyond the grace) is a 400. */
export function checkSendAt(sendAt: string | null | undefined, now: Date): Date | null {
  if (!sendAt) return null;
  const at = new Date(sendAt);
  if (at.getTime() < now.getTime() - SEND_AT_GRACE_MS)
    throw invalid("sendAt", `is in the past (${at.toISOString()}); give a future time or none`);
  return at;
}

/** A checked input as the Campaign row's columns. */
export async function prepareCampaign(
  deps: CampaignDeps,
  input: CampaignInput,
): Promise<CampaignFields & { audienceKind: StoredAudience["kind"] }> {
  const now = deps.now?.() ?? new Date();
  checkPlaceholders(inputTexts(input), await knownPlaceholders(deps));
  const scheduledAt = checkSendAt(input.sendAt, now);
  const audience = await parseAudience(deps.sql, input.segment);
  const message: MessageSpec = {
    text: ownerText(input.text),
    buttons: (input.buttons ?? []).map(ownerButton),
    photoUrl: input.photoUrl ?? null,
    parseMode: input.parseMode ?? null,
  };
  const variants: CampaignVariant[] = (input.variants ?? []).map((variant) => ({
    key: variant.key,
    share: variant.share,
    text: ownerText(variant.text),
  }));
  return {
    name: input.name,
    marketing: input.marketing ?? true,
    segmentId: audience.kind === "segment" ? audience.segmentId : null,
    audience,
    message,
    variants,
    scheduledAt,
    localTime: input.localTime ?? false,
    audienceKind: audience.kind,
  };
}
