import { InlineKeyboard } from "grammy";

type T = (key: string, vars?: Record<string, string | number>) => string;

// Two UUIDs as text (72 bytes) overflow Telegram's 64-byte callback data; as base64url of
// their 16 bytes they take 22 characters each.
const short = (uuid: string) => Buffer.from(uuid.replace(/-/g, ""), "hex").toString("base64url");

function long(encoded: string): string {
  const hex = Buffer.from(encoded, "base64url").toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The merge preview's buttons. Confirm carries both customers, so it needs no saved state and
 * works however late it is pressed; the handler checks the presser's role again and the merge
 * itself happens once however often it is pressed.
 */
export const mergeCb = {
  confirm: (keepId: string, mergeId: string) => `sp:mok:${short(keepId)}${short(mergeId)}`,
  cancel: "sp:mno",
} as const;

export const mergeCbPatterns = {
  confirm: /^sp:mok:([A-Za-z0-9_-]{22})([A-Za-z0-9_-]{22})$/,
} as const;

export function parseMergeConfirm(match: RegExpMatchArray): { keepId: string; mergeId: string } {
  return { keepId: long(match[1] ?? ""), mergeId: long(match[2] ?? "") };
}

export function mergeConfirmKeyboard(t: T, keepId: string, mergeId: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("btn-merge-confirm"), mergeCb.confirm(keepId, mergeId))
    .text(t("btn-cancel"), mergeCb.cancel);
}
