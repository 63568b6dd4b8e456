import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { authenticate } from "../core/access/authenticate.ts";
import type { StaffRole } from "../core/db/client.ts";
import type { ApiDeps, ApiEnv } from "./context.ts";

/** Every /api route requires `Authorization: Bearer <token>`. */
export function requireAuth(deps: ApiDeps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      throw new HTTPException(401, {
        message: "Missing bearer token (Authorization: Bearer <token>)",
      });
    }
    const principal = await authenticate(deps.db, {
      token: match[1],
      adminToken: deps.config.adminToken,
    });
    if (!principal) throw new HTTPException(401, { message: "Invalid, expired or revoked token" });
    c.set("principal", principal);
    await next();
  };
}

export function requireRole(...roles: StaffRole[]): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (!roles.includes(c.get("principal").role)) {
      throw new HTTPException(403, { message: `Requires one of the roles: ${roles.join(", ")}` });
    }
    await next();
  };
}
