import type { BotCommand, MenuButton, User, UserFromGetMe } from "grammy/types";
import { ChatStore } from "./chats.ts";
import { FaultInjector } from "./faults.ts";
import { FileStore } from "./files.ts";
import type { CallbackAnswer, RecordedCall, UserProfile } from "./types.ts";
import { UpdateQueue } from "./update-queue.ts";
import { WebhookDispatcher, type WebhookReplyHandler, type WebhookRetryPolicy } from "./webhook.ts";

export interface CallbackQueryRecord {
  id: string;
  userId: number;
  chatId: number;
  messageId: number;
  data?: string;
  answer?: CallbackAnswer;
}

/** Everything the emulated Telegram server knows; shared by the Bot API and the test API. */
export class EmulatorState {
  readonly lifetime = new AbortController();
  readonly chats = new ChatStore();
  readonly files = new FileStore();
  readonly updates = new UpdateQueue();
  readonly faults = new FaultInjector();
  readonly webhook: WebhookDispatcher;
  readonly calls: RecordedCall[] = [];
  readonly users = new Map<number, UserProfile>();
  readonly callbackQueries = new Map<string, CallbackQueryRecord>();
  /** setMyCommands lists keyed by scope and language, see `commandsKey`. */
  readonly commands = new Map<string, BotCommand[]>();
  /** Menu buttons by chat id; "" holds the default one. */
  readonly menuButtons = new Map<string, MenuButton>();
  /** Messages the bot sent successfully, by chat: a count above one for a broadcast is a duplicate. */
  readonly sentPerChat = new Map<number, number>();
  /** Whether Bot API calls are kept in `calls`. */
  recordCalls = true;

  countSent(chatId: unknown): void {
    const id = Number(chatId);
    if (!Number.isSafeInteger(id)) return;
    this.sentPerChat.set(id, (this.sentPerChat.get(id) ?? 0) + 1);
  }

  /** The bot as it appears in `from` of its messages (getMe has more fields). */
  readonly bot: User;

  constructor(
    readonly token: string,
    readonly botUser: UserFromGetMe,
    webhookPolicy: WebhookRetryPolicy,
    onWebhookReply: WebhookReplyHandler,
  ) {
    const { id, is_bot, first_name, username } = botUser;
    this.bot = { id, is_bot, first_name, username };
    this.webhook = new WebhookDispatcher(
      this.updates,
      webhookPolicy,
      onWebhookReply,
      this.lifetime.signal,
    );
  }
}
