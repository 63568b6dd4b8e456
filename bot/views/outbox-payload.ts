import { InlineKeyboard } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { OutboxButton, OutboxPayload, OwnerText } from "../../core/outbox/message.ts";
import { formatMoney } from "./money.ts";

/**
 * A payload (core/outbox/message.ts) as a message in one language: the template with its
 * variables, the owner's words picked for the language, amounts written the language's way, and
 * the buttons. The dispatcher sends outbox rows with it; handlers that reply with the same kind
 * of message (the next question of a survey) use it too, so both look the same.
 */
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export type RenderedMessage = { text: string; reply_markup?: InlineKeyboardMarkup };

export function ownerText(text: OwnerText, language: string): string {
  return (language === "en" ? text.en : undefined) ?? text.ru;
}

function payloadVars(
  payload: Partial<OutboxPayload>,
  language: string,
): Record<string, string | number> | undefined {
  if (!payload.money && !payload.localized) return payload.vars;
  const vars: Record<string, string | number> = { ...payload.vars };
  for (const [name, minor] of Object.entries(payload.money?.amounts ?? {})) {
    vars[name] = formatMoney(minor, payload.money?.currency ?? "RUB", language);
  }
  for (const [name, text] of Object.entries(payload.localized ?? {})) {
    vars[name] = ownerText(text, language);
  }
  return vars;
}

function buttonLabel(button: OutboxButton, t: Translate, language: string): string {
  const label =
    "label" in button ? ownerText(button.label, language) : t(button.template, button.vars);
  return button.checked ? `✅ ${label}` : label;
}

export function renderPayload(
  payload: OutboxPayload,
  t: Translate,
  language: string,
): RenderedMessage {
  const text = t(payload.template, payloadVars(payload, language));
  if (!payload.buttons || payload.buttons.length === 0) return { text };
  const keyboard = new InlineKeyboard();
  for (const row of payload.buttons) {
    for (const button of row) {
      const label = buttonLabel(button, t, language);
      if ("url" in button) keyboard.url(label, button.url);
      else keyboard.text(label, button.data);
    }
    keyboard.row();
  }
  return { text, reply_markup: keyboard };
}
