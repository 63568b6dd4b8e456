import { Hono } from "hono";
import { z } from "zod";
import { createApiToken, listApiTokens, revokeApiToken } from "../../core/access/api-tokens.ts";
import { StaffRoles } from "../../core/access/roles.ts";
import { requireRole } from "../auth.ts";
import type { ApiDeps, ApiEnv } from "../context.ts";
import { validate } from "../validation.ts";

const createBody = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(StaffRoles),
  staffId: z.uuid().optional(),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

const idParam = z.object({ id: z.uuid("must be a token id (UUID)") });

function present(token: Awaited<ReturnType<typeof listApiTokens>>[number]) {
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

/** API tokens for staff and integrations; only owners manage them. */
export function tokenRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>()
    .use(requireRole("OWNER"))
    .get("/", async (c) => c.json({ tokens: (await listApiTokens(deps.db)).map(present) }))
    .post("/", validate("json", createBody), async (c) => {
      const body = c.req.valid("json");
      const { token, apiToken } = await createApiToken(deps.db, {
        name: body.name,
        role: body.role,
        staffId: body.staffId,
        expiresAt: body.expiresInDays
          ? new Date(Date.now() + body.expiresInDays * 86_400_000)
          : undefined,
      });
      // The only time the token is ever shown.
      return c.json({ token, apiToken: present(apiToken) }, 201);
    })
    .delete("/:id", validate("param", idParam), async (c) => {
      return c.json({ apiToken: present(await revokeApiToken(deps.db, c.req.valid("param").id)) });
    });
}
