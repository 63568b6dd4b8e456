import { createRoute, OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { minimumRole, type Permission } from "../core/access/permissions.ts";
import { requirePermission } from "./auth.ts";
import type { ApiEnv } from "./context.ts";

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
 * A documented route: createRoute plus the permission it needs. The permission is checked before
 * the handler runs and the document states the least role that has it, so what the API says and
 * what it enforces come from one table (core/access/permissions.ts).
 */
export function apiRoute<
  const Route extends Omit<RouteConfig, "middleware" | "security"> & { permission: Permission },
>(route: Route) {
  const { permission, ...config } = route;
  const role = minimumRole(permission);
  return createRoute({
    ...config,
    middleware: [requirePermission(permission)] as MiddlewareHandler[],
    security: [{ bearer: [] }],
    description: [config.description, `Requires the ${role} role or higher.`]
      .filter(Boolean)
      .join("\n\n"),
    "x-required-role": role,
    responses: { ...commonErrors, ...config.responses },
  } as Omit<Route, "permission"> & { middleware: MiddlewareHandler[] });
}

/**
 * A router for documented routes. A request that fails validation is a 400 naming every field
 * and what is wrong with it, the same answer the older routes give.
 */
export function apiRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const issues = result.error.issues.map((issue) => ({
        field: issue.path.join(".") || result.target,
        message: issue.message,
      }));
      throw new HTTPException(400, { message: `Invalid ${result.target}`, cause: { issues } });
    },
  });
}
