import type { Chat, Message } from "grammy/types";
import type { StoredFile } from "./files.ts";
import type { BotMessage, ChatEvent, ReplyKeyboard, ReplyMarkup } from "./types.ts";

/** A message in a chat, sent by either side. */
export interface StoredMessage {
  sender: "bot" | "user";
  /** Current state, exactly as the Bot API returns it. */
  message: Message;
  /** Markup as the bot sent it (Message.reply_markup only ever carries inline keyboards). */
  replyMarkup?: ReplyMarkup;
  parseMode?: string;
  /** Largest size of the photo. */
  photo?: StoredFile;
  document?: StoredFile;
  edited: boolean;
  deleted: boolean;
}

export interface ChatRecord {
  id: number;
  chat: Chat;
  /** The user blocked the bot: sends fail with 403 until they unblock it. */
  blocked: boolean;
  messages: Map<number, StoredMessage>;
  /** Message ids are per chat and shared by both sides, as in Telegram private chats. */
  lastMessageId: number;
  /** The reply keyboard the user's client currently shows. */
  replyKeyboard?: ReplyKeyboard;
  events: ChatEvent[];
}

type Listener = (event: ChatEvent) => void;

/**
 * Chats the bot may talk to, and what happened in them. A chat only exists once the user
 * wrote to the bot: Telegram answers "chat not found" for any other chat.
 */
export class ChatStore {
  private readonly chats = new Map<number, ChatRecord>();
  private readonly listeners = new Set<Listener>();
  private seq = 0;

  /** Registers a chat (or refreshes its profile fields) and returns it. */
  upsert(chat: Chat): ChatRecord {
    const existing = this.chats.get(chat.id);
    if (existing) {
      existing.chat = chat;
      return existing;
    }
    const record: ChatRecord = {
      id: chat.id,
      chat,
      blocked: false,
      messages: new Map(),
      lastMessageId: 0,
      events: [],
    };
    this.chats.set(chat.id, record);
    return record;
  }

  get(chatId: number): ChatRecord | undefined {
    return this.chats.get(chatId);
  }

  nextMessageId(record: ChatRecord): number {
    record.lastMessageId += 1;
    return record.lastMessageId;
  }

  /** Stores a new message; a bot message also updates the reply keyboard and is announced. */
  add(record: ChatRecord, stored: StoredMessage): void {
    record.messages.set(stored.message.message_id, stored);
    if (stored.sender !== "bot") return;
    const markup = stored.replyMarkup;
    // parseReplyMarkup normalized the buttons, so this is a ReplyKeyboard.
    if (markup && "keyboard" in markup) record.replyKeyboard = markup as ReplyKeyboard;
    if (markup && "remove_keyboard" in markup) record.replyKeyboard = undefined;
    this.emit(record, "new", stored);
  }

  /** Announces an edit or deletion of a bot message that was changed in place. */
  changed(record: ChatRecord, stored: StoredMessage, type: "edit" | "delete"): void {
    if (stored.sender === "bot") this.emit(record, type, stored);
  }

  botMessages(record: ChatRecord): StoredMessage[] {
    return [...record.messages.values()].filter((stored) => stored.sender === "bot");
  }

  get lastSeq(): number {
    return this.seq;
  }

  eventsAfter(chatId: number, seq: number): ChatEvent[] {
    return (this.chats.get(chatId)?.events ?? []).filter((event) => event.seq > seq);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves with the next event that matches, or `undefined` after `timeoutMs` or when
   * `signal` aborts (a client hung up, the emulator stopped).
   */
  nextEvent(
    matches: (event: ChatEvent) => boolean,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<ChatEvent | undefined> {
    return new Promise((resolve) => {
      const finish = (event?: ChatEvent) => {
        clearTimeout(timer);
        unsubscribe();
        signal.removeEventListener("abort", onAbort);
        resolve(event);
      };
      const onAbort = () => finish();
      const timer = setTimeout(finish, timeoutMs);
      const unsubscribe = this.subscribe((event) => {
        if (matches(event)) finish(event);
      });
      if (signal.aborted) finish();
      else signal.addEventListener("abort", onAbort);
    });
  }

  private emit(record: ChatRecord, type: ChatEvent["type"], stored: StoredMessage): void {
    this.seq += 1;
    const event: ChatEvent = {
      seq: this.seq,
      chatId: record.id,
      type,
      message: toBotMessage(stored),
    };
    record.events.push(event);
    for (const listener of [...this.listeners]) listener(event);
  }
}

/** A snapshot of a bot message for tests and the control API. */
export function toBotMessage(stored: StoredMessage): BotMessage {
  const { message, photo, document } = stored;
  return {
    message_id: message.message_id,
    date: message.date,
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(message.entities ? { entities: message.entities } : {}),
    ...(message.caption !== undefined ? { caption: message.caption } : {}),
    ...(message.caption_entities ? { caption_entities: message.caption_entities } : {}),
    ...(photo
      ? {
          photo: {
            file_id: photo.file_id,
            bytes: photo.bytes,
            width: photo.width ?? 0,
            height: photo.height ?? 0,
            ...(photo.url ? { url: photo.url } : {}),
          },
        }
      : {}),
    ...(document
      ? {
          document: {
            file_id: document.file_id,
            bytes: document.bytes,
            ...(document.file_name ? { file_name: document.file_name } : {}),
            ...(document.mime_type ? { mime_type: document.mime_type } : {}),
            ...(document.url ? { url: document.url } : {}),
          },
        }
      : {}),
    ...(stored.replyMarkup ? { reply_markup: stored.replyMarkup } : {}),
    ...(stored.parseMode ? { parse_mode: stored.parseMode } : {}),
    edited: stored.edited,
    deleted: stored.deleted,
    raw: message,
  };
}
