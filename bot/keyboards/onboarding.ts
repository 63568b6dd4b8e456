import { InlineKeyboard, Keyboard } from "grammy";
import { cb } from "../callback-data.ts";

type T = (key: string, vars?: Record<string, string | number>) => string;

export function consentKeyboard(t: T, policyUrl: string | undefined): InlineKeyboard {
  const keyboard = new InlineKeyboard()
    .text(t("btn-consent-yes"), cb.consentYes)
    .text(t("btn-consent-no"), cb.consentNo);
  if (policyUrl) keyboard.row().url(t("btn-policy"), policyUrl);
  return keyboard;
}

export function marketingKeyboard(t: T): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("btn-marketing-yes"), cb.marketingYes)
    .text(t("btn-marketing-no"), cb.marketingNo);
}

export function keepNameKeyboard(t: T, name: string): InlineKeyboard {
  // Button labels are capped by Telegram; a very long Telegram name is cut for display only.
  const label = [...name].length > 40 ? `${[...name].slice(0, 40).join("")}…` : name;
  return new InlineKeyboard().text(t("btn-name-keep", { name: label }), cb.nameKeep);
}

export function sharePhoneKeyboard(t: T, allowSkip: boolean): Keyboard {
  const keyboard = new Keyboard().requestContact(t("btn-share-phone"));
  if (allowSkip) keyboard.row().text(t("btn-skip"));
  return keyboard.resized().persistent();
}

export function skipKeyboard(t: T): InlineKeyboard {
  return new InlineKeyboard().text(t("btn-skip"), cb.skip);
}

export function cancelKeyboard(t: T): InlineKeyboard {
  return new InlineKeyboard().text(t("btn-cancel"), cb.cancel);
}
