import type { WebhookInfo } from "grammy/types";
import { ApiError, badRequest, conflict, Described } from "../api-error.ts";
import type { MethodContext } from "./context.ts";

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

export function getUpdates({ state, params, signal }: MethodContext) {
  if (state.webhook.config) {
    throw conflict(
      "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
  }
  state.updates.setAllowedUpdates(params.json("allowed_updates"));
  return state.updates.poll(
    {
      offset: params.int("offset") ?? 0,
      limit: clamp(params.int("limit") ?? 100, 1, 100),
      timeoutSec: clamp(params.int("timeout") ?? 0, 0, 50),
    },
    signal,
  );
}

/** setWebhook with an empty url is deleteWebhook, as in telegram-bot-api. */
export function setWebhook(ctx: MethodContext) {
  const { state, params } = ctx;
  const url = params.string("url") ?? "";
  if (url === "") return deleteWebhook(ctx);

  if (!isHttpUrl(url)) throw badRequest("invalid webhook URL specified");
  const secretToken = params.string("secret_token") ?? "";
  if (secretToken.length > 256) throw badRequest("secret token is too long");
  if (!/^[A-Za-z0-9_-]*$/.test(secretToken)) {
    throw badRequest("secret token contains unallowed characters");
  }
  const config = {
    url,
    secretToken,
    maxConnections: clamp(params.int("max_connections") ?? 40, 1, 100),
  };
  const dropPending = params.bool("drop_pending_updates");

  const current = state.webhook.config;
  state.updates.setAllowedUpdates(params.json("allowed_updates"));
  if (current && JSON.stringify(current) === JSON.stringify(config) && !dropPending) {
    return new Described(true, "Webhook is already set");
  }
  if (dropPending) state.updates.dropPending();
  state.updates.abortLongPoll(new ApiError(409, "Conflict: terminated by setWebhook request"));
  state.webhook.set(config);
  return new Described(true, "Webhook was set");
}

export function deleteWebhook({ state, params }: MethodContext) {
  if (params.bool("drop_pending_updates")) state.updates.dropPending();
  if (!state.webhook.config) return new Described(true, "Webhook is already deleted");
  state.webhook.clear();
  return new Described(true, "Webhook was deleted");
}

export function getWebhookInfo({ state }: MethodContext): WebhookInfo {
  const config = state.webhook.config;
  const lastError = state.webhook.lastError;
  const allowed = state.updates.allowedUpdates();
  return {
    url: config?.url ?? "",
    has_custom_certificate: false,
    pending_update_count: state.updates.pendingCount,
    ...(lastError
      ? { last_error_date: lastError.date, last_error_message: lastError.message }
      : {}),
    ...(config ? { max_connections: config.maxConnections, ip_address: "127.0.0.1" } : {}),
    ...(allowed ? { allowed_updates: allowed as WebhookInfo["allowed_updates"] } : {}),
  };
}

/** Telegram demands HTTPS on ports 443/80/88/8443; a local emulator has to accept plain HTTP. */
function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}
