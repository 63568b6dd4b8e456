import type { OwnerText } from "../outbox/message.ts";

/**
 * What a campaign (or an automation written by the owner) says: the owner's words per language
 * with placeholders, optional inline buttons and a photo. Stored on the Campaign row
 * (`message`), rendered for each recipient when their delivery is sent (bot/dispatcher.ts), in
 * a preview (core/campaigns) and in the bot's /broadcast preview — all through `renderText`.
 */
export type MessageSpec = {
  text: OwnerText;
  /** One button per row, in order. */
  buttons: CampaignButton[];
  photoUrl: string | null;
  /** "HTML": Telegram's HTML formatting (<b>, <i>, <a href>); values are escaped. null = plain. */
  parseMode: "HTML" | null;
};

/**
 * A button under a campaign message: opens a URL, or sends an action back to the bot
 * (callback). Callback presses are always counted; URL presses through the redirect when
 * PUBLIC_URL is set (the button then points at /r/<delivery>/<index>).
 */
export type CampaignButton =
  | { text: OwnerText; url: string }
  | { text: OwnerText; action: CampaignAction };

/**
 * What a callback button does besides being counted: show the card, open the menu, unsubscribe,
 * or nothing but a thank-you ("ok"). One list: the API's enum comes from it.
 */
export const CampaignActions = ["ok", "card", "menu", "rewards", "unsubscribe"] as const;
export type CampaignAction = (typeof CampaignActions)[number];

/** Placeholders every message may use; the bank's question keys (custom attributes) too. */
export const BuiltinPlaceholders = ["first_name", "name", "points", "tier", "card"] as const;
export type BuiltinPlaceholder = (typeof BuiltinPlaceholders)[number];

/**
 * `{first_name}` or `{first_name|dear customer}`: a name of lower-case letters, digits and `_`,
 * and an optional fallback used when the value is missing (no `}` in it). Anything else in
 * braces is left as typed.
 */
const PLACEHOLDER = /\{([a-z][a-z0-9_]{0,39})(?:\|([^{}]{0,100}))?\}/g;

export type PlaceholderUse = { name: string; fallback: string | null };

/** The placeholders a text uses, in order of appearance (repeats included). */
export function placeholdersIn(text: string): PlaceholderUse[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => ({
    name: match[1] as string,
    fallback: match[2] ?? null,
  }));
}

/** Names used in `text` that are neither built in nor in `known` (the bank's keys). */
export function unknownPlaceholders(text: string, known: Iterable<string>): string[] {
  const allowed = new Set<string>([...BuiltinPlaceholders, ...known]);
  return [...new Set(placeholdersIn(text).map((use) => use.name))].filter(
    (name) => !allowed.has(name),
  );
}

export type PlaceholderValues = Record<string, string | number | null | undefined>;

export const escapeHtml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The text with each placeholder replaced by its value (escaped for HTML when the message is
 * formatted), its fallback when the value is missing or empty, or nothing.
 */
export function renderText(
  text: string,
  values: PlaceholderValues,
  parseMode: MessageSpec["parseMode"],
): string {
  const escapeValue = parseMode === "HTML" ? escapeHtml : (value: string) => value;
  return text.replace(PLACEHOLDER, (_whole, name: string, fallback: string | undefined) => {
    const value = values[name];
    const shown = value === null || value === undefined || value === "" ? null : String(value);
    return escapeValue(shown ?? fallback ?? "");
  });
}

/** What a recipient's placeholders are filled from (the dispatcher's claim reads these). */
export type RecipientFields = {
  name: string | null;
  telegramFirstName: string | null;
  balance: number | null;
  cardNumber: string | null;
  /** The tier's display name in the recipient's language (settings name or the bot's word). */
  tierName: string | null;
  /** Standard profile fields by question key (city, …) and custom attributes. */
  fields: Record<string, unknown>;
};

/** Card numbers are shown in groups of four, as on the card. */
const groupedCard = (number: string) => number.replace(/(\d{4})(?=\d)/g, "$1 ");

export function recipientValues(recipient: RecipientFields): PlaceholderValues {
  const firstName =
    recipient.name?.trim().split(/\s+/)[0] || recipient.telegramFirstName?.trim() || null;
  const values: PlaceholderValues = {};
  for (const [key, value] of Object.entries(recipient.fields)) {
    if (value === null || value === undefined) continue;
    values[key] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return {
    ...values,
    first_name: firstName,
    name: recipient.name?.trim() || firstName,
    points: recipient.balance,
    tier: recipient.tierName,
    card: recipient.cardNumber ? groupedCard(recipient.cardNumber) : null,
  };
}

/** The text in a language, Russian when that language was left out. */
export function textFor(text: OwnerText, language: string): string {
  return (language === "en" ? text.en : undefined) ?? text.ru;
}
