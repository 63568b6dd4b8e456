import { randomUUID } from "node:crypto";
import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { Sql } from "../db/sql.ts";
import {
  deleteWebhookEndpoint,
  insertWebhookEndpoint,
  selectWebhookEndpoint,
  updateWebhookEndpoint,
  type WebhookEndpointRow,
} from "../db/tables/webhooks.ts";
import { AppError } from "../errors.ts";
import type { WebhookEvent } from "./events.ts";
import { newWebhookSecret } from "./signature.ts";
import { refreshWebhookSubscriptions } from "./subscriptions.ts";

export type WebhookEndpointInput = {
  url: string;
  events: WebhookEvent[];
  /** The owner's own secret; one is generated when absent. */
  secret?: string;
  active?: boolean;
};

/** Receivers are reached over HTTP(S) only; anything else is refused naming the field. */
export function checkWebhookUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError("invalid_input", "The URL is not a valid absolute URL", { field: "url" });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new AppError("invalid_input", "The URL must start with http:// or https://", {
      field: "url",
    });
  }
}

/** Creates an endpoint; the answer carries its secret, the only time it is shown. */
export async function createWebhookEndpoint(
  sql: Sql,
  actor: Actor,
  input: WebhookEndpointInput,
  now = new Date(),
): Promise<WebhookEndpointRow> {
  requirePermission(actor, Permission.manageWebhooks);
  checkWebhookUrl(input.url);
  const endpoint = await sql.transaction(async (tx) => {
    const created = await insertWebhookEndpoint(tx, {
      id: randomUUID(),
      url: input.url,
      secret: input.secret ?? newWebhookSecret(),
      events: [...new Set(input.events)],
      active: input.active ?? true,
      at: now,
    });
    await audit(tx, actor, "created", created, now);
    return created;
  });
  await refreshWebhookSubscriptions(sql);
  return endpoint;
}

export async function changeWebhookEndpoint(
  sql: Sql,
  actor: Actor,
  id: string,
  change: Partial<WebhookEndpointInput>,
  now = new Date(),
): Promise<WebhookEndpointRow> {
  requirePermission(actor, Permission.manageWebhooks);
  if (change.url !== undefined) checkWebhookUrl(change.url);
  const endpoint = await sql.transaction(async (tx) => {
    const changed = await updateWebhookEndpoint(tx, id, {
      ...change,
      ...(change.events ? { events: [...new Set(change.events)] } : {}),
      at: now,
    });
    if (!changed) throw new AppError("not_found", "Webhook endpoint not found");
    await audit(tx, actor, "changed", changed, now);
    return changed;
  });
  await refreshWebhookSubscriptions(sql);
  return endpoint;
}

export async function removeWebhookEndpoint(
  sql: Sql,
  actor: Actor,
  id: string,
  now = new Date(),
): Promise<void> {
  requirePermission(actor, Permission.manageWebhooks);
  await sql.transaction(async (tx) => {
    const endpoint = await selectWebhookEndpoint(tx, id);
    if (!endpoint || !(await deleteWebhookEndpoint(tx, id))) {
      throw new AppError("not_found", "Webhook endpoint not found");
    }
    await audit(tx, actor, "deleted", endpoint, now);
  });
  await refreshWebhookSubscriptions(sql);
}

export async function getWebhookEndpoint(sql: Sql, id: string): Promise<WebhookEndpointRow> {
  const endpoint = await selectWebhookEndpoint(sql, id);
  if (!endpoint) throw new AppError("not_found", "Webhook endpoint not found");
  return endpoint;
}

// The secret stays out of the log: the audit trail is read by more eyes than the endpoint.
function audit(
  sql: Sql,
  actor: Actor,
  change: "created" | "changed" | "deleted",
  endpoint: WebhookEndpointRow,
  now: Date,
) {
  return recordAudit(sql, {
    actor,
    action: AuditAction.webhookChanged,
    data: {
      change,
      endpointId: endpoint.id,
      url: endpoint.url,
      events: endpoint.events,
      active: endpoint.active,
    },
    now,
  });
}
