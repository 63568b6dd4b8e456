import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { authenticate } from "../core/access/authenticate.ts";
import { type Actor, can, type Permission } from "../core/access/permissions.ts";
import type { StaffRole } from "../core/db/client.ts";
import { selectOwnCustomerId } from "../core/db/tables/staff.ts";
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

/** The token's role must have `permission` (core/access/permissions.ts). */
export function requirePermission(permission: Permission): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const { role } = c.get("principal");
    if (!can(role, permission)) {
      throw new HTTPException(403, { message: `The ${role} role may not ${permission}` });
    }
    await next();
  };
}

/**
 * Who is acting, as core's checks and the audit log take it. A token issued to a staff member
 * who is also a customer carries their customer id: nobody serves their own card.
 */
export async function apiActor(c: Context<ApiEnv>, deps: ApiDeps): Promise<Actor> {
  const principal = c.get("principal");
  const via =
    principal.tokenId === "admin-token" ? "admin-token" : `api-token:${principal.tokenId}`;
  const ownCustomerId = principal.staffId
    ? await selectOwnCustomerId(deps.sql, principal.staffId)
    : null;
  return { staffId: principal.staffId, role: principal.role, via, ownCustomerId };
}
