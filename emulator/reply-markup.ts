import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import { badRequest } from "./api-error.ts";
import type { ReplyButton, ReplyKeyboard, ReplyMarkup } from "./types.ts";

/** Fields that make an inline button do something; a button with none is rejected. */
const INLINE_ACTIONS = [
  "url",
  "callback_data",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
] as const;

/**
 * Validates `reply_markup` with telegram-bot-api's rules and error texts. Reply keyboard
 * buttons given as plain strings are normalized to `{ text }` objects.
 */
export function parseReplyMarkup(value: unknown): ReplyMarkup | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string") throw badRequest("can't parse reply keyboard markup JSON object");
  if (typeof value !== "object" || Array.isArray(value)) {
    throw badRequest("object expected as reply markup");
  }
  const markup = value as Record<string, unknown>;
  if (markup.keyboard !== undefined) return parseReplyKeyboard(markup);
  if (markup.inline_keyboard !== undefined) return parseInlineKeyboard(markup.inline_keyboard);
  if (markup.remove_keyboard) return { remove_keyboard: true, ...selective(markup) };
  if (markup.force_reply) return markup as unknown as ReplyMarkup;
  return undefined;
}

/** Edits only accept inline keyboards. */
export function parseInlineMarkup(value: unknown): InlineKeyboardMarkup | undefined {
  const markup = parseReplyMarkup(value);
  if (markup && !("inline_keyboard" in markup)) throw badRequest("inline keyboard expected");
  return markup;
}

function parseReplyKeyboard(markup: Record<string, unknown>): ReplyKeyboard {
  const rows = markup.keyboard;
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw badRequest('field "keyboard" must be an Array of Arrays');
  }
  const keyboard = (rows as unknown[][]).map((row) => row.map(parseKeyboardButton));
  return { ...(markup as object), keyboard } as ReplyKeyboard;
}

function parseKeyboardButton(button: unknown): ReplyButton {
  if (typeof button === "string") return { text: button };
  if (typeof button !== "object" || button === null || Array.isArray(button)) {
    throw badRequest("can't parse keyboard button: KeyboardButton must be a String or an Object");
  }
  if (typeof (button as { text?: unknown }).text !== "string") {
    throw badRequest(`can't parse keyboard button: Can't find field "text"`);
  }
  return button as ReplyButton;
}

function parseInlineKeyboard(rows: unknown): InlineKeyboardMarkup {
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw badRequest(
      'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
    );
  }
  return { inline_keyboard: (rows as unknown[][]).map((row) => row.map(parseInlineButton)) };
}

function parseInlineButton(button: unknown): InlineKeyboardButton {
  const prefix = "can't parse inline keyboard button";
  if (typeof button !== "object" || button === null || Array.isArray(button)) {
    throw badRequest(`${prefix}: InlineKeyboardButton must be an Object`);
  }
  const fields = button as Record<string, unknown>;
  if (typeof fields.text !== "string") throw badRequest(`${prefix}: Can't find field "text"`);
  const action = INLINE_ACTIONS.find(
    (name) => fields[name] !== undefined && fields[name] !== null && fields[name] !== "",
  );
  if (!action) throw badRequest(`${prefix}: Text buttons are unallowed in the inline keyboard`);
  if (action === "callback_data") {
    const data = fields.callback_data;
    if (typeof data !== "string" || Buffer.byteLength(data) > 64) {
      throw badRequest("BUTTON_DATA_INVALID");
    }
  }
  return button as InlineKeyboardButton;
}

function selective(markup: Record<string, unknown>) {
  return markup.selective ? { selective: true } : {};
}
