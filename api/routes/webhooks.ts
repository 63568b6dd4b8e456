import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import {
  selectWebhookDeliveries,
  selectWebhookEndpoints,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from "../../core/db/tables/webhooks.ts";
import {
  changeWebhookEndpoint,
  createWebhookEndpoint,
  getWebhookEndpoint,
  removeWebhookEndpoint,
} from "../../core/webhooks/endpoints.ts";
import { webhookEvents } from "../../core/webhooks/events.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json, jsonBody } from "../openapi.ts";

const EventSchema = z.enum(webhookEvents).openapi("WebhookEvent");
const DeliveryStatusSchema = z
  .enum(["PENDING", "SENDING", "DELIVERED", "FAILED"])
  .openapi("WebhookDeliveryStatus");

const EndpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(EventSchema),
    active: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("WebhookEndpoint");

const CreatedEndpointSchema = EndpointSchema.extend({
  secret: z.string().openapi({
    description:
      "The key of the X-Webhook-Signature HMAC. Shown here once; keep it with the receiver.",
  }),
}).openapi("NewWebhookEndpointWithSecret");

const fields = {
  url: z
    .string()
    .trim()
    .max(2000)
    .regex(/^https?:\/\//i, "must be an http:// or https:// URL")
    .openapi({ example: "https://crm.example.com/hooks/loyalty" }),
  events: z.array(EventSchema).min(1).max(20),
  secret: z.string().min(16, "must be at least 16 characters").max(200).openapi({
    description: "Your own signing secret; one is generated when left out",
  }),
  active: z.boolean(),
};

const NewEndpointSchema = z
  .object({
    url: fields.url,
    events: fields.events,
    secret: fields.secret.optional(),
    active: fields.active.optional(),
  })
  .strict()
  .openapi("NewWebhookEndpoint");

const EndpointPatchSchema = z
  .object(fields)
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "name at least one field to change")
  .openapi("WebhookEndpointPatch");

const DeliverySchema = z
  .object({
    id: z.string().openapi({ description: "Also sent as X-Webhook-Delivery and the body's id" }),
    event: EventSchema,
    status: DeliveryStatusSchema,
    attempts: z.number().int(),
    responseStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    data: z.unknown(),
    createdAt: z.iso.datetime(),
    nextAttemptAt: z.iso.datetime().nullable(),
    deliveredAt: z.iso.datetime().nullable(),
  })
  .openapi("WebhookDelivery");

const idParam = z.object({ id: z.uuid("must be a webhook endpoint id (UUID)") });

function presentEndpoint(endpoint: WebhookEndpointRow): z.infer<typeof EndpointSchema> {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events as z.infer<typeof EventSchema>[],
    active: endpoint.active,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

function presentDelivery(delivery: WebhookDeliveryRow): z.infer<typeof DeliverySchema> {
  return {
    id: String(delivery.id),
    event: delivery.event as z.infer<typeof EventSchema>,
    status: delivery.status,
    attempts: delivery.attempts,
    responseStatus: delivery.responseStatus,
    lastError: delivery.lastError,
    data: delivery.payload,
    createdAt: delivery.createdAt.toISOString(),
    nextAttemptAt: delivery.status === "PENDING" ? delivery.notBefore.toISOString() : null,
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
  };
}

const notFound = errorResponse("No webhook endpoint with this id");

const list = apiRoute({
  method: "get",
  path: "/",
  permission: Permission.manageWebhooks,
  summary: "List webhook endpoints",
  responses: { 200: json(z.object({ endpoints: z.array(EndpointSchema) }), "The endpoints") },
});

const create = apiRoute({
  method: "post",
  path: "/",
  permission: Permission.manageWebhooks,
  summary: "Register a webhook endpoint",
  description:
    "Events are POSTed as JSON `{id, event, createdAt, data}` with `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>`, `X-Webhook-Event` and `X-Webhook-Delivery`. The secret is in this answer only.",
  request: { body: jsonBody(NewEndpointSchema) },
  responses: { 201: json(z.object({ endpoint: CreatedEndpointSchema }), "The new endpoint") },
});

const read = apiRoute({
  method: "get",
  path: "/{id}",
  permission: Permission.manageWebhooks,
  summary: "Read a webhook endpoint",
  request: { params: idParam },
  responses: { 200: json(z.object({ endpoint: EndpointSchema }), "The endpoint"), 404: notFound },
});

const update = apiRoute({
  method: "put",
  path: "/{id}",
  permission: Permission.manageWebhooks,
  summary: "Change a webhook endpoint",
  description: "Changes the fields given; `active: false` pauses deliveries (they wait).",
  request: { params: idParam, body: jsonBody(EndpointPatchSchema) },
  responses: {
    200: json(z.object({ endpoint: EndpointSchema }), "The endpoint as changed"),
    404: notFound,
  },
});

const remove = apiRoute({
  method: "delete",
  path: "/{id}",
  permission: Permission.manageWebhooks,
  summary: "Delete a webhook endpoint",
  description: "With its delivery log.",
  request: { params: idParam },
  responses: { 200: json(z.object({ deleted: z.literal(true) }), "Deleted"), 404: notFound },
});

const deliveries = apiRoute({
  method: "get",
  path: "/{id}/deliveries",
  permission: Permission.manageWebhooks,
  summary: "An endpoint's delivery log",
  description: "Newest first: status, attempts, the receiver's last answer and error.",
  request: {
    params: idParam,
    query: z.object({
      status: DeliveryStatusSchema.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: json(z.object({ deliveries: z.array(DeliverySchema) }), "The deliveries"),
    404: notFound,
  },
});

/** /api/webhooks: outgoing webhooks (owner). */
export function webhookRoutes(deps: ApiDeps) {
  return apiRouter()
    .openapi(list, async (c) => {
      const endpoints = await selectWebhookEndpoints(deps.sql);
      return c.json({ endpoints: endpoints.map(presentEndpoint) }, 200);
    })
    .openapi(create, async (c) => {
      const endpoint = await createWebhookEndpoint(
        deps.sql,
        await apiActor(c, deps),
        c.req.valid("json"),
      );
      return c.json({ endpoint: { ...presentEndpoint(endpoint), secret: endpoint.secret } }, 201);
    })
    .openapi(read, async (c) => {
      const endpoint = await getWebhookEndpoint(deps.sql, c.req.valid("param").id);
      return c.json({ endpoint: presentEndpoint(endpoint) }, 200);
    })
    .openapi(update, async (c) => {
      const endpoint = await changeWebhookEndpoint(
        deps.sql,
        await apiActor(c, deps),
        c.req.valid("param").id,
        c.req.valid("json"),
      );
      return c.json({ endpoint: presentEndpoint(endpoint) }, 200);
    })
    .openapi(remove, async (c) => {
      await removeWebhookEndpoint(deps.sql, await apiActor(c, deps), c.req.valid("param").id);
      return c.json({ deleted: true as const }, 200);
    })
    .openapi(deliveries, async (c) => {
      const { id } = c.req.valid("param");
      const { status, limit } = c.req.valid("query");
      await getWebhookEndpoint(deps.sql, id);
      const rows = await selectWebhookDeliveries(deps.sql, {
        endpointId: id,
        limit,
        ...(status ? { status } : {}),
      });
      return c.json({ deliveries: rows.map(presentDelivery) }, 200);
    });
}
