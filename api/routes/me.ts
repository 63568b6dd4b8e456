import { z } from "@hono/zod-openapi";
import { StaffRoles } from "../../core/access/roles.ts";
import type { ApiEnv } from "../context.ts";
import { apiRoute, apiRouter, json } from "../openapi.ts";

const me = apiRoute({
  method: "get",
  path: "/",
  permission: null,
  summary: "Who this token is",
  responses: {
    200: json(
      z.object({
        principal: z.object({
          role: z.enum(StaffRoles),
          tokenId: z.string().openapi({ description: '"admin-token" or the API token\'s id' }),
          staffId: z.uuid().nullable(),
        }),
      }),
      "The token's role and staff member",
    ),
  },
});

/** /api/me: lets an integrator check a token before using it. */
export function meRoutes() {
  return apiRouter().openapi(me, (c) =>
    c.json({ principal: c.get("principal") as ApiEnv["Variables"]["principal"] }, 200),
  );
}
