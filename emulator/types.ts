import type {
  ForceReply,
  InlineKeyboardMarkup,
  KeyboardButton,
  Message,
  MessageEntity,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
} from "grammy/types";
import type { ApiResponse } from "./api-error.ts";

export interface TelegramEmulatorOptions {
  /** Bot token the emulator accepts; the part before ":" is the bot's user id. */
  token?: string;
  /** Interface to listen on. The control API has no auth, so keep it on loopback. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  botUsername?: string;
  botFirstName?: string;
  /** Webhook delivery attempts per update before it is dropped (Telegram retries for hours). */
  webhookMaxAttempts?: number;
  /** Delay before the first webhook retry; doubles on each further attempt. */
  webhookRetryDelayMs?: number;
  /** How long one webhook POST may take before it counts as failed. */
  webhookTimeoutMs?: number;
  /**
   * false: Bot API calls are not kept in `calls` (a benchmark sending 100,000 messages);
   * `sentCount` and the chats still are. Default true.
   */
  recordCalls?: boolean;
}

/** A file received in a multipart request. */
export interface UploadedFile {
  filename: string;
  size: number;
  bytes: Buffer;
  contentType?: string;
}

export type FaultKind = "400" | "429" | "403" | "500" | "502" | "timeout" | "reset";

export interface FaultSpec {
  kind: FaultKind;
  /** Only calls of this method (case-insensitive); any method if omitted. */
  method?: string;
  /** Only calls whose `chat_id` is this chat. */
  chatId?: number;
  /** How many matching calls fail; default 1. `Infinity` keeps failing until `clearFaults()`. */
  times?: number;
  /** For "429": the `retry_after` seconds reported; default 1. */
  retryAfter?: number;
  /** For "timeout": how long the request hangs before the connection is dropped; default 1000. */
  latencyMs?: number;
  /** For "400": what follows "Bad Request: ", e.g. "message can't be deleted for everyone". */
  description?: string;
}

/**
 * Telegram's flood control, simplified: calls of these methods beyond `perSecond` in any
 * second are answered 429 with `retry_after` (the seconds until the window has room again).
 */
export interface RateLimitSpec {
  perSecond: number;
  /** Default: the methods that send a message (sendMessage, sendPhoto, sendDocument). */
  methods?: string[];
}

/** One Bot API request the bot made, in arrival order. */
export interface RecordedCall {
  /** Canonical method name, e.g. "sendMessage" (the Bot API itself is case-insensitive). */
  method: string;
  /** Decoded parameters; uploaded files appear as {@link UploadedFile}. */
  params: Record<string, unknown>;
  at: Date;
  ok: boolean;
  /** What the bot received; `null` when the connection was dropped (fault "timeout"). */
  response: ApiResponse | null;
  /** Set when the answer came from {@link FaultSpec} injection rather than the emulated method. */
  fault?: FaultKind;
  /** "webhook-reply": the method came back in the body of a webhook response. */
  source: "http" | "webhook-reply";
}

export type ReplyMarkup =
  | InlineKeyboardMarkup
  | ReplyKeyboardMarkup
  | ReplyKeyboardRemove
  | ForceReply;

/** A reply keyboard button; the emulator turns plain-string buttons into `{ text }`. */
export type ReplyButton = Exclude<KeyboardButton, string>;

/** A reply keyboard as the user's client shows it. */
export type ReplyKeyboard = Omit<ReplyKeyboardMarkup, "keyboard"> & { keyboard: ReplyButton[][] };

/** A bot message as the user sees it, for assertions in tests. */
export interface BotMessage {
  message_id: number;
  date: number;
  /** Text after parse_mode processing, i.e. without markup, like Telegram shows it. */
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  photo?: { file_id: string; bytes: Buffer; width: number; height: number; url?: string };
  document?: {
    file_id: string;
    bytes: Buffer;
    file_name?: string;
    mime_type?: string;
    url?: string;
  };
  /** The markup the bot sent with the message, including reply keyboards. */
  reply_markup?: ReplyMarkup;
  parse_mode?: string;
  edited: boolean;
  deleted: boolean;
  /** The Message object as the Bot API returned it to the bot. */
  raw: Message;
}

/** A change in a chat the way a Telegram client sees it; `seq` grows across all chats. */
export interface ChatEvent {
  seq: number;
  chatId: number;
  type: "new" | "edit" | "delete";
  message: BotMessage;
}

/** Profile of a simulated Telegram user. */
export interface UserProfile {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  /** Default "ru". */
  language_code?: string;
  /** Shared when the user presses a `request_contact` reply button. */
  phone_number?: string;
}

/** What the bot answered to a callback query (button press). */
export interface CallbackAnswer {
  callback_query_id: string;
  data?: string;
  message_id?: number;
  text?: string;
  show_alert: boolean;
  url?: string;
  cache_time?: number;
  at: Date;
}
