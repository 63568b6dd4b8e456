import type { Update } from "grammy/types";
import { type ApiError, conflict } from "./api-error.ts";

/** A raw update as tests push it; the queue assigns `update_id`. */
export type NewUpdate = Omit<Update, "update_id"> & { update_id?: number };

/** Update types as the Bot API names them in `allowed_updates`. */
const UPDATE_TYPES = new Set([
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "business_connection",
  "business_message",
  "edited_business_message",
  "deleted_business_messages",
  "message_reaction",
  "message_reaction_count",
  "inline_query",
  "chosen_inline_result",
  "callback_query",
  "shipping_query",
  "pre_checkout_query",
  "purchased_paid_media",
  "poll",
  "poll_answer",
  "my_chat_member",
  "chat_member",
  "chat_join_request",
  "chat_boost",
  "removed_chat_boost",
]);

/** Types Telegram only sends when listed in allowed_updates explicitly. */
const OPT_IN_TYPES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

export interface QueuedUpdate {
  update: Update;
  /** Updates with the same key go to a webhook one at a time, in order (Telegram does the same per chat). */
  orderKey: string;
  /** A webhook POST for it is in progress. */
  inFlight: boolean;
  /** Its delivery promise has been settled. */
  settled: boolean;
  settle(error?: Error): void;
}

interface LongPoll {
  wake(): void;
  fail(error: ApiError): void;
}

/**
 * Telegram's per-bot update queue: ids, the allowed_updates filter, getUpdates with offset
 * confirmation and long polling, and bookkeeping for webhook delivery. Each queued update has
 * a delivery promise that settles when the bot got it: handed out by getUpdates, or its
 * webhook POST answered.
 */
export class UpdateQueue {
  /** Called when an update is queued, so the webhook dispatcher can pick it up. */
  onQueued: () => void = () => {};

  private lastId = 0;
  private closed = false;
  private entries: QueuedUpdate[] = [];
  /** `undefined` means Telegram's default: every type except the opt-in ones. */
  private allowed: Set<string> | undefined;
  private longPoll: LongPoll | undefined;
  private readonly idleWaiters = new Set<() => void>();

  /**
   * Queues an update; resolves with it once the bot received it. Like Telegram, updates of a
   * type outside allowed_updates are dropped at creation (the promise resolves at once).
   */
  enqueue(raw: NewUpdate): Promise<Update> {
    if (this.closed) return Promise.reject(new Error("The Telegram emulator has been stopped"));
    this.lastId += 1;
    const update = { ...raw, update_id: this.lastId } as Update;
    if (!this.isAllowed(updateType(update))) return Promise.resolve(update);

    let settle!: (error?: Error) => void;
    const delivered = new Promise<Update>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve(update));
    });
    // Callers that fire and forget must not get unhandled-rejection noise; awaiting still throws.
    delivered.catch(() => {});

    const entry: QueuedUpdate = {
      update,
      orderKey: orderKeyOf(update),
      inFlight: false,
      settled: false,
      settle: (error) => {
        if (entry.settled) return;
        entry.settled = true;
        settle(error);
      },
    };
    this.entries.push(entry);
    this.longPoll?.wake();
    this.onQueued();
    return delivered;
  }

  /** Applies an `allowed_updates` parameter the way telegram-bot-api does. */
  setAllowedUpdates(value: unknown): void {
    if (!Array.isArray(value)) return; // not specified: keep the previous setting
    const types = value.filter(
      (type): type is string => typeof type === "string" && UPDATE_TYPES.has(type.toLowerCase()),
    );
    this.allowed = types.length > 0 ? new Set(types.map((type) => type.toLowerCase())) : undefined;
  }

  /** The current filter, or `undefined` when it is Telegram's default. */
  allowedUpdates(): string[] | undefined {
    return this.allowed ? [...this.allowed] : undefined;
  }

  isAllowed(type: string): boolean {
    return this.allowed ? this.allowed.has(type) : !OPT_IN_TYPES.has(type);
  }

  get pendingCount(): number {
    return this.entries.length;
  }

  /**
   * getUpdates: confirms updates below `offset`, then returns up to `limit` updates, waiting
   * up to `timeoutSec` for the first one if there are none.
   */
  async poll(
    options: { offset: number; limit: number; timeoutSec: number },
    signal: AbortSignal,
  ): Promise<Update[]> {
    this.confirm(options.offset);
    let batch = this.batch(options.offset, options.limit);
    if (batch.length === 0 && options.timeoutSec > 0) {
      await this.waitForUpdate(options.timeoutSec * 1000, signal);
      batch = this.batch(options.offset, options.limit);
    }
    for (const entry of batch) entry.settle();
    return batch.map((entry) => entry.update);
  }

  /** Ends a pending long poll with 409 Conflict, e.g. because a webhook was set. */
  abortLongPoll(error: ApiError): void {
    this.longPoll?.fail(error);
  }

  /** Next update for the webhook whose order key is not busy; marks it in flight. */
  takeForWebhook(busyKeys: ReadonlySet<string>): QueuedUpdate | undefined {
    const blocked = new Set(busyKeys);
    for (const entry of this.entries) {
      if (entry.inFlight || blocked.has(entry.orderKey)) {
        blocked.add(entry.orderKey); // keep later updates of that chat behind this one
        continue;
      }
      entry.inFlight = true;
      return entry;
    }
    return undefined;
  }

  /** Removes an update the bot received (or that Telegram gave up on) and settles it. */
  remove(entry: QueuedUpdate, error?: Error): void {
    this.entries = this.entries.filter((candidate) => candidate !== entry);
    entry.settle(error);
    this.notifyIfIdle();
  }

  /** drop_pending_updates: forgets everything not currently being delivered. */
  dropPending(): void {
    const dropped = this.entries.filter((entry) => !entry.inFlight);
    this.entries = this.entries.filter((entry) => entry.inFlight);
    for (const entry of dropped) entry.settle();
    this.notifyIfIdle();
  }

  /** Resolves when no update is queued, unconfirmed or being delivered. */
  idle(signal: AbortSignal): Promise<void> {
    if (this.entries.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.idleWaiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.idleWaiters.add(done);
      signal.addEventListener("abort", done);
      if (signal.aborted) done();
    });
  }

  /** Shutdown: fails every undelivered update and releases waiters. */
  close(): void {
    this.closed = true;
    const error = new Error("Telegram emulator stopped before the update was delivered");
    for (const entry of this.entries) entry.settle(error);
    this.entries = [];
    this.longPoll?.wake();
    this.notifyIfIdle();
  }

  private confirm(offset: number): void {
    const before = this.entries.length;
    let confirmed: QueuedUpdate[];
    if (offset > 0) {
      confirmed = this.entries.filter(
        (entry) => entry.update.update_id < offset && !entry.inFlight,
      );
    } else if (offset < 0) {
      // A negative offset keeps only the last -offset updates.
      confirmed = this.entries.slice(0, Math.max(0, this.entries.length + offset));
    } else {
      return;
    }
    const gone = new Set(confirmed);
    this.entries = this.entries.filter((entry) => !gone.has(entry));
    for (const entry of confirmed) entry.settle();
    if (this.entries.length !== before) this.notifyIfIdle();
  }

  private batch(offset: number, limit: number): QueuedUpdate[] {
    return this.entries
      .filter((entry) => !entry.inFlight && entry.update.update_id >= offset)
      .slice(0, limit);
  }

  private waitForUpdate(timeoutMs: number, signal: AbortSignal): Promise<void> {
    // Telegram allows one long poll per bot; a newer one ends the older with 409.
    this.longPoll?.fail(
      conflict(
        "terminated by other getUpdates request; make sure that only one bot instance is running",
      ),
    );
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", wake);
        if (this.longPoll === poll) this.longPoll = undefined;
      };
      const wake = () => {
        cleanup();
        resolve();
      };
      const poll: LongPoll = {
        wake,
        fail: (error) => {
          cleanup();
          reject(error);
        },
      };
      const timer = setTimeout(wake, timeoutMs);
      signal.addEventListener("abort", wake);
      this.longPoll = poll;
      if (signal.aborted) wake();
    });
  }

  private notifyIfIdle(): void {
    if (this.entries.length > 0) return;
    for (const done of [...this.idleWaiters]) done();
  }
}

export function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== "update_id") ?? "unknown";
}

/** Telegram keeps updates of one chat in order; other updates may overtake each other. */
function orderKeyOf(update: Update): string {
  const chat =
    update.message?.chat ??
    update.edited_message?.chat ??
    update.callback_query?.message?.chat ??
    update.my_chat_member?.chat ??
    update.chat_member?.chat;
  if (chat) return `chat:${chat.id}`;
  const user = update.callback_query?.from ?? update.inline_query?.from;
  return user ? `user:${user.id}` : `update:${update.update_id}`;
}
