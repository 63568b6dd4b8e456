import type { HttpBindings } from "@hono/node-server";
import { Hono } from "hono";
import { ApiError, unauthorized } from "./api-error.ts";
import { callBotApi, recordCall } from "./bot-api.ts";
import { readRequestParams } from "./request-params.ts";
import type { EmulatorState } from "./state.ts";

/**
 * The emulator's HTTP surface, laid out like api.telegram.org:
 *   /bot<token>/<method>         Bot API (GET or POST; JSON, urlencoded or multipart)
 *   /file/bot<token>/<file_path> file downloads for getFile
 *   /control/...                 remote control for simulated users (see control-api.ts)
 */
export function createHttpApp(state: EmulatorState, control: Hono<{ Bindings: HttpBindings }>) {
  const app = new Hono<{ Bindings: HttpBindings }>();
  const isOwnToken = (segment: string) => segment === `bot${state.token}`;

  app.route("/control", control);

  app.get("/file/:bot/*", (c) => {
    if (!isOwnToken(c.req.param("bot"))) return c.json(unauthorized().toBody(), 401);
    const filePath = decodeURIComponent(c.req.path.split("/").slice(3).join("/"));
    const file = state.files.getByPath(filePath);
    if (!file) return c.json({ ok: false, error_code: 404, description: "Not Found" }, 404);
    return c.body(new Uint8Array(file.bytes), 200, { "content-type": "application/octet-stream" });
  });

  app.all("/:bot/:method", async (c) => {
    const method = c.req.param("method");
    if (!c.req.param("bot").startsWith("bot")) return c.notFound();

    let params: Record<string, unknown>;
    try {
      params = await readRequestParams(c.req.raw);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return c.json(error.toBody(), error.code as 400);
    }

    if (!isOwnToken(c.req.param("bot"))) {
      const body = unauthorized().toBody();
      recordCall(state, {
        method,
        params,
        at: new Date(),
        ok: false,
        response: body,
        source: "http",
      });
      return c.json(body, 401);
    }

    const outcome = await callBotApi(state, method, params, {
      signal: c.req.raw.signal,
      source: "http",
    });
    if (outcome.kind === "drop") {
      // Simulates a network failure: the bot sees the connection close without an answer.
      c.env.incoming.socket.destroy();
      return new Response(null);
    }
    return c.json(outcome.body, outcome.status as 200);
  });

  app.notFound((c) => c.json({ ok: false, error_code: 404, description: "Not Found" }, 404));
  return app;
}
