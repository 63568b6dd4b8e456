import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../context.ts";
import { json } from "../openapi.ts";

const timeoutMs = 2_000;

const Updates = z.enum(["starting", "polling", "webhook", "stopped"]);

const check = createRoute({
  method: "get",
  path: "/",
  summary: "Readiness",
  description:
    "No token needed. 200 only when the bot takes updates (polling started, or the webhook registered) and the database answers; 503 while starting, after stopping, or when the database does not answer within 2 s.",
  security: [],
  responses: {
    200: json(
      z.object({
        status: z.literal("ok"),
        database: z.literal("ok"),
        updates: Updates,
        latencyMs: z.number().int(),
      }),
      "Ready",
    ),
    503: json(
      z.union([
        z.object({ status: z.enum(["starting", "stopped"]), updates: Updates }),
        z.object({
          status: z.literal("error"),
          database: z.literal("unavailable"),
          updates: Updates,
        }),
      ]),
      "Not ready",
    ),
  },
});

/**
 * Readiness for load balancers, supervisors and `npm start` users: 200 only when the bot takes
 * updates (polling started, or the webhook registered) and the database answers. During
 * start-up it answers 503 `starting`, so a start-up is timed to the moment customers get
 * answers, not to the moment the port opened.
 */
export function healthRoutes(deps: ApiDeps) {
  return new OpenAPIHono().openapi(check, async (c) => {
    const updates = deps.updates();
    if (updates === "starting" || updates === "stopped") {
      return c.json({ status: updates, updates }, 503);
    }
    const started = Date.now();
    try {
      await Promise.race([
        deps.ping(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error("timeout")), timeoutMs).unref(),
        ),
      ]);
      return c.json(
        {
          status: "ok" as const,
          database: "ok" as const,
          updates,
          latencyMs: Date.now() - started,
        },
        200,
      );
    } catch (err) {
      deps.logger.warn({ err }, "health check: database not answering");
      return c.json({ status: "error" as const, database: "unavailable" as const, updates }, 503);
    }
  });
}
