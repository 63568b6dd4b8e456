import type { Chat, Update, UserFromGetMe } from "grammy/types";
import { callBotApi } from "./bot-api.ts";
import { createControlApi } from "./control-api.ts";
import { createHttpApp } from "./http-app.ts";
import { type RunningServer, startServer } from "./server.ts";
import { EmulatorState } from "./state.ts";
import type {
  FaultSpec,
  RateLimitSpec,
  RecordedCall,
  TelegramEmulatorOptions,
  UserProfile,
} from "./types.ts";
import type { NewUpdate } from "./update-queue.ts";
import { SimulatedUser } from "./user.ts";

/**
 * A local stand-in for api.telegram.org: the bot talks to it over real HTTP
 * (`new Bot(token, { client: { apiRoot: emu.apiRoot } })`), while tests act as users.
 * One instance serves one bot token and runs once: start(), use, stop().
 */
export class TelegramEmulator {
  readonly token: string;
  private readonly state: EmulatorState;
  private readonly host: string;
  private readonly port: number;
  private readonly users = new Map<number, SimulatedUser>();
  private server: RunningServer | undefined;

  constructor(options: TelegramEmulatorOptions = {}) {
    this.token = options.token ?? "123456:TEST";
    this.host = options.host ?? "127.0.0.1";
    this.port = options.port ?? 0;
    const botId = Number(this.token.split(":")[0]);
    if (!Number.isSafeInteger(botId) || botId <= 0 || !this.token.includes(":")) {
      throw new Error(`A bot token looks like "<bot id>:<secret>", got "${this.token}"`);
    }
    const botUser: UserFromGetMe = {
      id: botId,
      is_bot: true,
      first_name: options.botFirstName ?? "Loyalty Test Bot",
      username: options.botUsername ?? "loyalty_test_bot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    this.state = new EmulatorState(
      this.token,
      botUser,
      {
        maxAttempts: options.webhookMaxAttempts ?? 4,
        retryDelayMs: options.webhookRetryDelayMs ?? 100,
        timeoutMs: options.webhookTimeoutMs ?? 30_000,
      },
      async (method, params) => {
        await callBotApi(this.state, method, params, {
          signal: this.state.lifetime.signal,
          source: "webhook-reply",
        });
      },
    );
    this.state.recordCalls = options.recordCalls ?? true;
  }

  /** Base URL for grammY's `client.apiRoot`; available after start(). */
  get apiRoot(): string {
    if (!this.server) throw new Error("The Telegram emulator is not running; await start() first");
    return this.server.url;
  }

  /** What getMe returns; pass it as grammY's `botInfo` to skip the getMe call. */
  get botInfo(): UserFromGetMe {
    return this.state.botUser;
  }

  /** Every Bot API call the bot made, in order. */
  get calls(): readonly RecordedCall[] {
    return this.state.calls;
  }

  callsOf(method: string): RecordedCall[] {
    return this.state.calls.filter((call) => call.method.toLowerCase() === method.toLowerCase());
  }

  async start(): Promise<{ apiRoot: string }> {
    if (this.server) throw new Error("The Telegram emulator is already running");
    if (this.state.lifetime.signal.aborted) {
      throw new Error("A stopped Telegram emulator cannot be restarted; create a new one");
    }
    const control = createControlApi(
      this.state,
      (profile) => this.user(profile),
      (profiles) => this.openChats(profiles),
    );
    const app = createHttpApp(this.state, control);
    this.server = await startServer(app.fetch, this.host, this.port);
    return { apiRoot: this.server.url };
  }

  /** Ends long polls and webhook deliveries, fails undelivered updates, closes the server. */
  async stop(): Promise<void> {
    const server = this.server;
    this.state.lifetime.abort();
    this.state.updates.close();
    this.server = undefined;
    await server?.close();
  }

  /** A simulated user; calling it again with the same id updates and returns the same user. */
  user(profile: UserProfile): SimulatedUser {
    const known = this.state.users.get(profile.id);
    this.state.users.set(profile.id, { language_code: "ru", ...known, ...profile });
    let user = this.users.get(profile.id);
    if (!user) {
      user = new SimulatedUser(this.state, profile.id);
      this.users.set(profile.id, user);
    }
    return user;
  }

  /**
   * Queues an arbitrary update (its update_id is assigned here); resolves when the bot got
   * it. Chats mentioned in it become known, so the bot may answer them.
   */
  pushUpdate(update: NewUpdate): Promise<Update> {
    for (const chat of chatsIn(update)) {
      if (!this.state.chats.get(chat.id)) this.state.chats.upsert(chat);
    }
    return this.state.updates.enqueue(update);
  }

  /**
   * Resolves when no update is queued or being delivered. With long polling an update counts
   * until the bot confirmed it by asking for the next ones, i.e. after it handled it
   * (with @grammyjs/runner: after it fetched the next batch).
   */
  async idle(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const timeout = AbortSignal.timeout(timeoutMs);
    await this.state.updates.idle(AbortSignal.any([timeout, this.state.lifetime.signal]));
    if (timeout.aborted && this.state.updates.pendingCount > 0) {
      throw new Error(
        `Telegram emulator still has ${this.state.updates.pendingCount} undelivered update(s) after ${timeoutMs} ms. Is the bot polling or is a webhook set?`,
      );
    }
  }

  /** Makes matching Bot API calls fail; see {@link FaultSpec}. */
  injectFault(spec: FaultSpec): void {
    this.state.faults.inject(spec);
  }

  clearFaults(): void {
    this.state.faults.clear();
  }

  /** Delay added before every Bot API response. */
  setLatency(ms: number): void {
    this.state.faults.latencyMs = Math.max(0, ms);
  }

  /** Telegram's flood control: 429 above `perSecond` sends in any second; null lifts it. */
  setRateLimit(spec: RateLimitSpec | null): void {
    this.state.faults.setRateLimit(spec);
  }

  /** Messages the bot sent successfully to this chat (any send* method). */
  sentCount(chatId: number): number {
    return this.state.sentPerChat.get(chatId) ?? 0;
  }

  /** Messages sent successfully, by chat. */
  sentCounts(): ReadonlyMap<number, number> {
    return this.state.sentPerChat;
  }

  /**
   * Users who started the bot before (their chats exist, so the bot may write to them),
   * without an update: how a benchmark or a test gets 100,000 recipients at once.
   */
  openChats(profiles: Iterable<UserProfile>): void {
    for (const profile of profiles) {
      this.state.users.set(profile.id, { language_code: "ru", ...profile });
      this.state.chats.upsert({
        id: profile.id,
        type: "private",
        first_name: profile.first_name,
        ...(profile.last_name ? { last_name: profile.last_name } : {}),
        ...(profile.username ? { username: profile.username } : {}),
      });
    }
  }
}

export function createTelegramEmulator(options: TelegramEmulatorOptions = {}): TelegramEmulator {
  return new TelegramEmulator(options);
}

function chatsIn(update: NewUpdate): Chat[] {
  const candidates = [
    update.message?.chat,
    update.edited_message?.chat,
    update.channel_post?.chat,
    update.callback_query?.message?.chat,
    update.my_chat_member?.chat,
    update.chat_member?.chat,
  ];
  return candidates.filter((chat): chat is Chat => chat !== undefined);
}
