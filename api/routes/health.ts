import { Hono } from "hono";
import type { ApiDeps } from "../context.ts";

const timeoutMs = 2_000;

/** Liveness for load balancers and `npm start` users: is the database answering? */
export function healthRoutes(deps: ApiDeps) {
  return new Hono().get("/", async (c) => {
    const started = Date.now();
    try {
      await Promise.race([
        deps.ping(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error("timeout")), timeoutMs).unref(),
        ),
      ]);
      return c.json({ status: "ok", database: "ok", latencyMs: Date.now() - started });
    } catch (err) {
      deps.logger.warn({ err }, "health check: database not answering");
      return c.json({ status: "error", database: "unavailable" }, 503);
    }
  });
}
