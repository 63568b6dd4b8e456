import type { Message, ReplyParameters } from "grammy/types";
import { badRequest, botBlocked } from "../api-error.ts";
import type { ChatRecord, StoredMessage } from "../chats.ts";
import type { Params } from "../params.ts";
import type { EmulatorState } from "../state.ts";
import type { ReplyMarkup } from "../types.ts";

export const unixTime = () => Math.floor(Date.now() / 1000);

/**
 * The chat a method acts on. Telegram only lets a bot talk to users who wrote to it first
 * ("chat not found"), and answers 403 while the user has the bot blocked.
 */
export function targetChat(
  state: EmulatorState,
  params: Params,
  emptyError = "chat_id is empty",
): ChatRecord {
  const raw = params.string("chat_id");
  if (raw === undefined || raw.trim() === "") throw badRequest(emptyError);
  // Bots cannot reach users by @username; public groups and channels are not emulated.
  const chat = /^-?\d+$/.test(raw.trim()) ? state.chats.get(Number(raw)) : undefined;
  if (!chat) throw badRequest("chat not found");
  if (chat.blocked) throw botBlocked();
  return chat;
}

/** The message_id parameter of edit/delete methods. */
export function targetMessageId(params: Params): number {
  const id = params.int("message_id");
  if (id === undefined || id <= 0) throw badRequest("message identifier is not specified");
  return id;
}

export interface BotMessageContent {
  fields: Partial<Message>;
  replyMarkup?: ReplyMarkup;
  parseMode?: string;
  photo?: StoredMessage["photo"];
  document?: StoredMessage["document"];
}

/** Stores a new bot message in the chat and returns it as the Bot API does. */
export function postBotMessage(
  state: EmulatorState,
  chat: ChatRecord,
  params: Params,
  content: BotMessageContent,
): Message {
  const replyTo = repliedMessage(chat, params);
  const markup = content.replyMarkup;
  const message = {
    message_id: state.chats.nextMessageId(chat),
    from: state.bot,
    chat: chat.chat,
    date: unixTime(),
    ...(replyTo ? { reply_to_message: replyTo } : {}),
    ...content.fields,
    // Telegram echoes only inline keyboards back in Message.reply_markup.
    ...(markup && "inline_keyboard" in markup ? { reply_markup: markup } : {}),
  } as Message;
  state.chats.add(chat, {
    sender: "bot",
    message,
    ...(markup ? { replyMarkup: markup } : {}),
    ...(content.parseMode ? { parseMode: content.parseMode } : {}),
    ...(content.photo ? { photo: content.photo } : {}),
    ...(content.document ? { document: content.document } : {}),
    edited: false,
    deleted: false,
  });
  return message;
}

/** reply_parameters (or the legacy reply_to_message_id) resolved to the replied message. */
function repliedMessage(chat: ChatRecord, params: Params): Message | undefined {
  const legacyId = params.int("reply_to_message_id");
  const reply =
    params.json<ReplyParameters>("reply_parameters", "reply parameters") ??
    (legacyId ? { message_id: legacyId } : undefined);
  if (!reply) return undefined;
  const sameChat = reply.chat_id === undefined || String(reply.chat_id) === String(chat.id);
  const target = sameChat ? chat.messages.get(Number(reply.message_id)) : undefined;
  if (target && !target.deleted) {
    const { reply_to_message: _nested, ...message } = target.message;
    return message as Message;
  }
  if (reply.allow_sending_without_reply || params.bool("allow_sending_without_reply")) {
    return undefined;
  }
  throw badRequest("message to be replied not found");
}
