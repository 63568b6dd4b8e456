import type { Update } from "grammy/types";
import { sleep } from "./sleep.ts";
import type { QueuedUpdate, UpdateQueue } from "./update-queue.ts";

export interface WebhookConfig {
  url: string;
  secretToken: string;
  maxConnections: number;
}

export interface WebhookRetryPolicy {
  maxAttempts: number;
  retryDelayMs: number;
  timeoutMs: number;
}

/** A method call that came back in the body of a webhook response. */
export type WebhookReplyHandler = (
  method: string,
  params: Record<string, unknown>,
) => Promise<void>;

/** Rejects a simulated user's action when the bot never accepted the update. */
export class WebhookDeliveryError extends Error {
  constructor(
    readonly update: Update,
    readonly attempts: number,
    readonly lastError: string,
  ) {
    super(
      `Webhook did not accept update ${update.update_id} after ${attempts} attempt(s): ${lastError}`,
    );
    this.name = "WebhookDeliveryError";
  }
}

/**
 * Pushes queued updates to the bot's webhook like Telegram: JSON POSTs with the secret token
 * header, up to `max_connections` in parallel but one at a time per chat, retries with
 * doubling delays on non-2xx answers and network errors, and executes a method returned in
 * the response body ("webhook reply"). Unlike Telegram, which keeps retrying for hours, it
 * gives up after `maxAttempts` so that tests see the failure.
 */
export class WebhookDispatcher {
  config: WebhookConfig | undefined;
  lastError: { date: number; message: string } | undefined;

  /** Bumped whenever the webhook changes, so deliveries to an old URL stop retrying. */
  private generation = 0;
  private inFlight = 0;
  private readonly busyKeys = new Set<string>();

  constructor(
    private readonly queue: UpdateQueue,
    private readonly policy: WebhookRetryPolicy,
    private readonly onReply: WebhookReplyHandler,
    private readonly lifetime: AbortSignal,
  ) {
    queue.onQueued = () => this.pump();
  }

  set(config: WebhookConfig): void {
    this.config = config;
    this.generation += 1;
    this.pump();
  }

  clear(): void {
    this.config = undefined;
    this.generation += 1;
  }

  private pump(): void {
    const config = this.config;
    if (!config || this.lifetime.aborted) return;
    while (this.inFlight < config.maxConnections) {
      const entry = this.queue.takeForWebhook(this.busyKeys);
      if (!entry) return;
      this.inFlight += 1;
      this.busyKeys.add(entry.orderKey);
      void this.deliver(entry, config, this.generation).finally(() => {
        this.inFlight -= 1;
        this.busyKeys.delete(entry.orderKey);
        this.pump();
      });
    }
  }

  private async deliver(entry: QueuedUpdate, config: WebhookConfig, generation: number) {
    let lastError = "";
    for (let attempt = 1; attempt <= this.policy.maxAttempts; attempt++) {
      if (attempt > 1) await sleep(this.policy.retryDelayMs * 2 ** (attempt - 2), this.lifetime);
      if (this.lifetime.aborted) return; // the queue fails it on close
      if (generation !== this.generation) {
        entry.inFlight = false; // webhook changed or removed: the update waits in the queue
        return;
      }
      try {
        const reply = await this.post(config, entry.update);
        if (reply) await this.onReply(reply.method, reply.params).catch(() => {});
        this.queue.remove(entry);
        return;
      } catch (error) {
        lastError = (error as Error).message;
        this.lastError = { date: Math.floor(Date.now() / 1000), message: lastError };
      }
    }
    this.queue.remove(
      entry,
      new WebhookDeliveryError(entry.update, this.policy.maxAttempts, lastError),
    );
  }

  private async post(config: WebhookConfig, update: Update) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (config.secretToken) headers["X-Telegram-Bot-Api-Secret-Token"] = config.secretToken;
    let response: Response;
    let body: string;
    try {
      response = await fetch(config.url, {
        method: "POST",
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.any([this.lifetime, AbortSignal.timeout(this.policy.timeoutMs)]),
      });
      body = await response.text();
    } catch (error) {
      throw new Error(describeNetworkError(error));
    }
    if (!response.ok) {
      // Telegram's wording, as shown in getWebhookInfo.last_error_message.
      throw new Error(`Wrong response from the webhook: ${response.status} ${response.statusText}`);
    }
    return parseWebhookReply(response.headers.get("content-type") ?? "", body);
  }
}

function describeNetworkError(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === "TimeoutError") return "Read timeout expired";
  if (err.cause?.code === "ECONNREFUSED") return "Connection refused";
  return `Connection failed: ${err.cause?.message ?? err.message}`;
}

/** Telegram ignores webhook replies that would read state or reconfigure the webhook. */
function parseWebhookReply(contentType: string, body: string) {
  if (!contentType.includes("json") || body.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { method, ...params } = value as Record<string, unknown>;
  if (typeof method !== "string") return undefined;
  const name = method.toLowerCase();
  const ignored = ["setwebhook", "deletewebhook", "close", "logout"];
  if (name === "" || name.startsWith("get") || ignored.includes(name)) return undefined;
  return { method, params };
}
