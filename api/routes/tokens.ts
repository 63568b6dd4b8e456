import { z } from "@hono/zod-openapi";
import { createApiToken, listApiTokens, revokeApiToken } from "../../core/access/api-tokens.ts";
import { Permission } from "../../core/access/permissions.ts";
import { StaffRoles } from "../../core/access/roles.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json, jsonBody } from "../openapi.ts";

const ApiTokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: z.enum(StaffRoles),
    staffId: z.uuid().nullable(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .openapi("ApiToken");

function present(
  token: Awaited<ReturnType<typeof listApiTokens>>[number],
): z.infer<typeof ApiTokenSchema> {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    staffId: token.staffId,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
  };
}

const list = apiRoute({
  method: "get",
  path: "/",
  permission: Permission.manageStaff,
  summary: "List API tokens",
  description: "Newest first, without the secrets (only their hashes are stored).",
  responses: { 200: json(z.object({ tokens: z.array(ApiTokenSchema) }), "Every token") },
});

const create = apiRoute({
  method: "post",
  path: "/",
  permission: Permission.manageStaff,
  summary: "Issue an API token",
  description:
    "The token is in the answer this once; store it. `staffId` ties it to a staff member (disabling them stops it). Audited as `token.issued`.",
  request: {
    body: jsonBody(
      z.strictObject({
        name: z.string().trim().min(1).max(100).openapi({ example: "Till 2" }),
        role: z.enum(StaffRoles),
        staffId: z.uuid().optional(),
        expiresInDays: z.number().int().min(1).max(3650).optional(),
      }),
    ),
  },
  responses: {
    201: json(
      z.object({
        token: z.string().openapi({ example: "lt_3q2-mTb…" }),
        apiToken: ApiTokenSchema,
      }),
      "The token, shown this once",
    ),
    404: errorResponse("No staff member with this staffId"),
  },
});

const revoke = apiRoute({
  method: "delete",
  path: "/{id}",
  permission: Permission.manageStaff,
  summary: "Revoke an API token",
  description: "It stops working at once. Revoking again is harmless. Audited as `token.revoked`.",
  request: { params: z.object({ id: z.uuid("must be a token id (UUID)") }) },
  responses: {
    200: json(z.object({ apiToken: ApiTokenSchema }), "The token, revoked"),
    404: errorResponse("No such token"),
  },
});

/** /api/tokens: API tokens for staff and integrations; only owners manage them. */
export function tokenRoutes(deps: ApiDeps) {
  return apiRouter()
    .openapi(list, async (c) =>
      c.json({ tokens: (await listApiTokens(deps.db)).map(present) }, 200),
    )
    .openapi(create, async (c) => {
      const body = c.req.valid("json");
      const { token, apiToken } = await createApiToken(deps.db, {
        audit: { actor: await apiActor(c, deps) },
        name: body.name,
        role: body.role,
        staffId: body.staffId,
        expiresAt: body.expiresInDays
          ? new Date(Date.now() + body.expiresInDays * 86_400_000)
          : undefined,
      });
      return c.json({ token, apiToken: present(apiToken) }, 201);
    })
    .openapi(revoke, async (c) => {
      const apiToken = await revokeApiToken(deps.db, {
        audit: { actor: await apiActor(c, deps) },
        id: c.req.valid("param").id,
      });
      return c.json({ apiToken: present(apiToken) }, 200);
    });
}
