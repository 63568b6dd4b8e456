import { z } from "@hono/zod-openapi";
import { listAudit } from "../../core/access/list-audit.ts";
import { Permission } from "../../core/access/permissions.ts";
import type { AuditEntry } from "../../core/db/client.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, json } from "../openapi.ts";

const AuditEntrySchema = z
  .object({
    id: z.string().openapi({ description: "Increasing; also the paging cursor" }),
    staffId: z.uuid().nullable(),
    actor: z.string().openapi({ example: "telegram" }),
    action: z.string().openapi({ example: "purchase.recorded" }),
    customerId: z.uuid().nullable(),
    data: z.record(z.string(), z.unknown()),
    at: z.iso.datetime(),
  })
  .openapi("AuditEntry");

function present(entry: AuditEntry): z.infer<typeof AuditEntrySchema> {
  return {
    id: entry.id.toString(),
    staffId: entry.staffId,
    actor: entry.actor,
    action: entry.action,
    customerId: entry.customerId,
    data: (entry.data ?? {}) as Record<string, unknown>,
    at: entry.createdAt.toISOString(),
  };
}

const instant = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z" })
  .or(z.iso.date({ message: "must be a date (2026-11-01) or an ISO 8601 date-time" }))
  .transform((value) => new Date(value));

const list = apiRoute({
  method: "get",
  path: "/",
  permission: Permission.viewAudit,
  summary: "Read the audit log",
  description:
    "Every staff action (lookups, purchases, refunds, redemptions, adjustments, settings, staff changes), newest first. `from` is inclusive, `to` exclusive.",
  request: {
    query: z.object({
      staffId: z.uuid().optional(),
      customerId: z.uuid().optional(),
      from: instant.optional(),
      to: instant.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      cursor: z
        .string()
        .regex(/^\d{1,19}$/, "must be a nextCursor from a previous page")
        .optional(),
    }),
  },
  responses: {
    200: json(
      z.object({ entries: z.array(AuditEntrySchema), nextCursor: z.string().nullable() }),
      "A page of entries",
    ),
  },
});

export function auditRoutes(deps: ApiDeps) {
  return apiRouter().openapi(list, async (c) => {
    const query = c.req.valid("query");
    const page = await listAudit(deps.sql, { actor: await apiActor(c, deps), ...query });
    return c.json({ entries: page.entries.map(present), nextCursor: page.nextCursor }, 200);
  });
}
