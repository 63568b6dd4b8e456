import type { InlineKeyboardMarkup, Message, MessageEntity } from "grammy/types";
import { badRequest } from "../api-error.ts";
import type { ChatRecord, StoredMessage } from "../chats.ts";
import { formatText } from "../formatting/index.ts";
import { parseInlineMarkup } from "../reply-markup.ts";
import { targetChat, targetMessageId, unixTime } from "./common.ts";
import type { MethodContext } from "./context.ts";
import { captionOf, entitiesField } from "./sending.ts";

export function editMessageText(ctx: MethodContext) {
  const { params } = ctx;
  const text = params.string("text") ?? "";
  if (text === "") throw badRequest("message text is empty");
  const parseMode = params.string("parse_mode");
  const formatted = formatText(text, parseMode, params.json<MessageEntity[]>("entities"));
  const markup = parseInlineMarkup(params.json("reply_markup", "reply keyboard markup"));
  const { chat, stored } = messageToEdit(ctx);
  if (stored.message.text === undefined) {
    throw badRequest("there is no text in the message to edit");
  }
  const fields = { text: formatted.text, ...entitiesField("entities", formatted) };
  return applyEdit(ctx, chat, stored, ["text", "entities"], fields, markup, parseMode);
}

export function editMessageCaption(ctx: MethodContext) {
  const caption = captionOf(ctx.params);
  const markup = parseInlineMarkup(ctx.params.json("reply_markup", "reply keyboard markup"));
  const { chat, stored } = messageToEdit(ctx);
  if (!stored.message.photo && !stored.message.document) {
    throw badRequest("there is no caption in the message to edit");
  }
  const parseMode = ctx.params.string("parse_mode");
  return applyEdit(ctx, chat, stored, ["caption", "caption_entities"], caption, markup, parseMode);
}

export function editMessageReplyMarkup(ctx: MethodContext) {
  const markup = parseInlineMarkup(ctx.params.json("reply_markup", "reply keyboard markup"));
  const { chat, stored } = messageToEdit(ctx);
  return applyEdit(ctx, chat, stored, [], {}, markup, stored.parseMode);
}

export function deleteMessage({ state, params }: MethodContext) {
  const chat = targetChat(state, params, "chat identifier is not specified");
  const stored = chat.messages.get(targetMessageId(params));
  if (!stored || stored.deleted) throw badRequest("message to delete not found");
  stored.deleted = true;
  state.chats.changed(chat, stored, "delete");
  return true;
}

function messageToEdit({ state, params }: MethodContext): {
  chat: ChatRecord;
  stored: StoredMessage;
} {
  if (!params.has("chat_id") && !params.has("message_id")) {
    if (params.has("inline_message_id")) {
      throw badRequest("inline_message_id is not supported by the Telegram emulator");
    }
    throw badRequest("message identifier is not specified");
  }
  const chat = targetChat(state, params);
  const stored = chat.messages.get(targetMessageId(params));
  if (!stored || stored.deleted) throw badRequest("message to edit not found");
  if (stored.sender !== "bot") throw badRequest("message can't be edited");
  return { chat, stored };
}

/**
 * Replaces `contentKeys` of the message with `fields`. Like Telegram, an edit without
 * reply_markup removes the inline keyboard, and an edit that changes nothing is an error.
 */
function applyEdit(
  { state }: MethodContext,
  chat: ChatRecord,
  stored: StoredMessage,
  contentKeys: (keyof Message)[],
  fields: Partial<Message>,
  markup: InlineKeyboardMarkup | undefined,
  parseMode: string | undefined,
): Message {
  const keys: (keyof Message)[] = [...contentKeys, "reply_markup"];
  const next: Partial<Message> = { ...stored.message };
  for (const key of keys) delete next[key];
  Object.assign(next, fields, markup ? { reply_markup: markup } : {});

  const content = (message: Partial<Message>) => JSON.stringify(keys.map((key) => message[key]));
  if (content(next) === content(stored.message)) {
    throw badRequest(
      "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );
  }

  next.edit_date = unixTime();
  stored.message = next as Message;
  stored.replyMarkup = markup;
  stored.parseMode = parseMode;
  stored.edited = true;
  state.chats.changed(chat, stored, "edit");
  return stored.message;
}
