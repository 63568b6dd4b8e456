import { createRoute, OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { minimumRole, type Permission, rolesWith } from "../core/access/permissions.ts";
import { StaffRoles } from "../core/access/roles.ts";
import { requirePermission } from "./auth.ts";
import type { ApiEnv } from "./context.ts";

/*
 * Naming schemas: there is one zod, but `.openapi()` exists only on schemas built after
 * @hono/zod-openapi was first imported (zod 4 gives each schema its methods when it is built, and
 * the import is what adds `.openapi`). core/ builds its schemas when it loads, often first, and
 * must not depend on the API's library anyway, so it names them with zod's own
 * `.meta({ id: "LoyaltySettings" })`, which the document generator reads as the component name.
 */

/** Every error answer: `{"error": {"code", "message", "details"?}}` (see errors.ts). */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_input" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorSchema } },
});

/** The failures every authenticated route can answer with. */
const commonErrors = {
  400: errorResponse("The request is malformed; `details.issues` names each field"),
  401: errorResponse("Missing, invalid, expired or revoked token"),
  403: errorResponse("The token's role may not do this"),
  429: {
    ...errorResponse("Too many requests with this token; retry after `Retry-After` seconds"),
    headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait" } },
  },
} as const;

/** A JSON response, for `responses` in `apiRoute`. */
export function json<Schema extends z.ZodType>(schema: Schema, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

export function jsonBody<Schema extends z.ZodType>(schema: Schema) {
  return { required: true, content: { "application/json": { schema } } } as const;
}

export { errorResponse };

/**
 * A documented route: createRoute plus the permission it needs (`null`: any valid token). The
 * permission is checked before the handler runs and the document states the roles that have it
 * (`x-roles`) and the least of OWNER, MANAGER, CASHIER among them (`x-required-role`), so what the
 * API says and what it enforces come from one table (core/access/permissions.ts).
 */
export function apiRoute<
  const Route extends Omit<RouteConfig, "middleware" | "security"> & {
    permission: Permission | null;
  },
>(route: Route) {
  const { permission, ...config } = route;
  const roles = permission ? rolesWith(permission) : [...StaffRoles];
  const role = permission ? minimumRole(permission) : "any";
  const access = permission
    ? `Requires the \`${permission}\` permission: roles ${roles.join(", ")}.`
    : "Any valid token.";
  return createRoute({
    ...config,
    middleware: (permission ? [requirePermission(permission)] : []) as MiddlewareHandler[],
    security: [{ bearer: [] }],
    description: [config.description, access].filter(Boolean).join("\n\n"),
    "x-required-role": role,
    "x-roles": roles,
    ...(permission ? { "x-permission": permission } : {}),
    responses: { ...commonErrors, ...config.responses },
  } as Omit<Route, "permission"> & { middleware: MiddlewareHandler[] });
}

/**
 * A router for documented routes. A request that fails validation is a 400 naming every field
 * and what is wrong with it, the same answer the older routes give.
 */
export function apiRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({ defaultHook: rejectInvalid });
}

/** One issue per problem; an unknown field is named itself, not the object that holds it. */
function namedIssues(target: string, issues: readonly z.core.$ZodIssue[]) {
  return issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        field: [...at, key].join("."),
        message: `unknown field "${key}"`,
      }));
    }
    return [{ field: at.join(".") || target, message: issue.message }];
  });
}

function rejectInvalid(result: { success: boolean; target: string; error?: z.ZodError }): void {
  if (result.success || !result.error) return;
  const issues = namedIssues(result.target, result.error.issues);
  throw new HTTPException(400, { message: `Invalid ${result.target}`, cause: { issues } });
}
