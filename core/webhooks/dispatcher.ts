import type { Sql } from "../db/sql.ts";
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  finishWebhookAttempt,
} from "../db/tables/webhooks.ts";
import type { Logger } from "../logger.ts";
import {
  isRetryableStatus,
  MAX_WEBHOOK_ATTEMPTS,
  WEBHOOK_TIMEOUT_MS,
  webhookRetryDelayMs,
} from "./policy.ts";
import { signWebhookBody } from "./signature.ts";
import { anySubscribers, refreshWebhookSubscriptions } from "./subscriptions.ts";

export type WebhookDispatcher = {
  /** Looks for due deliveries now instead of at the next poll. */
  kick(): void;
  /** Finishes the requests in flight and stops. */
  stop(): Promise<void>;
};

export type WebhookDispatcherDeps = {
  sql: Sql;
  logger: Logger;
  /** How often to look for due deliveries while some endpoint is active. */
  pollMs?: number;
  /** How often to re-read which events have endpoints (other processes' changes). */
  refreshMs?: number;
  /** The first retry's pause; later ones double (see policy.ts). */
  retryBaseMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
};

const BATCH = 20;
const LEASE_MS = 60_000;

/**
 * Sends the webhook outbox (WebhookDelivery rows), apart from the bot: one loop per process, any
 * number of processes on one database. Rows are claimed with FOR UPDATE SKIP LOCKED; a claim
 * lapses, so a dead process's rows are sent by another. With no active endpoint it only
 * re-reads the subscriptions now and then, and never touches the deliveries.
 */
export function startWebhookDispatcher(deps: WebhookDispatcherDeps): WebhookDispatcher {
  const pollMs = deps.pollMs ?? 1000;
  const refreshMs = deps.refreshMs ?? 10_000;
  const send = deps.fetch ?? fetch;
  let stopping = false;
  let lastRefresh = 0;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    }).finally(() => {
      clearTimeout(timer);
      wake = undefined;
    });

  async function attempt(delivery: ClaimedDelivery): Promise<void> {
    const body = JSON.stringify({
      id: String(delivery.id),
      event: delivery.event,
      createdAt: delivery.createdAt.toISOString(),
      data: delivery.payload,
    });
    let responseStatus: number | null = null;
    let error: string | null = null;
    try {
      const response = await send(delivery.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "loyalty-bot-webhooks",
          "x-webhook-signature": signWebhookBody(delivery.secret, body),
          "x-webhook-event": delivery.event,
          "x-webhook-delivery": String(delivery.id),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
      });
      responseStatus = response.status;
      // The body is not needed, but an unread one keeps the connection busy.
      await response.body?.cancel().catch(() => {});
      if (!response.ok) error = `HTTP ${response.status}`;
    } catch (err) {
      error = (err as Error).name === "TimeoutError" ? "timeout" : String((err as Error).message);
    }
    const now = new Date();
    const delivered = responseStatus !== null && responseStatus >= 200 && responseStatus < 300;
    const retry =
      !delivered &&
      (responseStatus === null || isRetryableStatus(responseStatus)) &&
      delivery.attempts < MAX_WEBHOOK_ATTEMPTS;
    await finishWebhookAttempt(deps.sql, delivery.id, {
      status: delivered ? "DELIVERED" : retry ? "PENDING" : "FAILED",
      responseStatus,
      error: error?.slice(0, 500) ?? null,
      retryAt: retry
        ? new Date(now.getTime() + webhookRetryDelayMs(delivery.attempts, deps.retryBaseMs))
        : null,
      at: now,
    });
    if (!delivered && !retry) {
      deps.logger.warn(
        { deliveryId: String(delivery.id), event: delivery.event, responseStatus, error },
        "webhook delivery failed for good",
      );
    }
  }

  async function tick(): Promise<boolean> {
    if (Date.now() - lastRefresh >= refreshMs) {
      await refreshWebhookSubscriptions(deps.sql, refreshMs * 3 + 5_000);
      lastRefresh = Date.now();
    }
    if (!anySubscribers(deps.sql)) return false;
    const claimed = await claimDueDeliveries(deps.sql, {
      now: new Date(),
      limit: BATCH,
      leaseMs: LEASE_MS,
    });
    await Promise.all(claimed.map(attempt));
    return claimed.length === BATCH;
  }

  const loop = (async () => {
    while (!stopping) {
      let more = false;
      try {
        more = await tick();
      } catch (err) {
        deps.logger.error({ err }, "webhook dispatcher failed; trying again");
      }
      if (!more && !stopping) await sleep(pollMs);
    }
  })();

  return {
    kick() {
      wake?.();
    },
    async stop() {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}
