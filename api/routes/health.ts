import { Hono } from "hono";
import type { ApiDeps } from "../context.ts";

const timeoutMs = 2_000;

/**
 * Readiness for load balancers, supervisors and `npm start` users: 200 only when the bot takes
 * updates (polling started, or the webhook registered) and the database answers. During
 * start-up it answers 503 `starting`, so a start-up is timed to the moment customers get
 * answers, not to the moment the port opened.
 */
export function healthRoutes(deps: ApiDeps) {
  return new Hono().get("/", async (c) => {
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
      return c.json({ status: "ok", database: "ok", updates, latencyMs: Date.now() - started });
    } catch (err) {
      deps.logger.warn({ err }, "health check: database not answering");
      return c.json({ status: "error", database: "unavailable", updates }, 503);
    }
  });
}
