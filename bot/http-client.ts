import type { Readable } from "node:stream";
import { Agent, request } from "undici";

/** A `fetch` for grammY's API client, and a way to close its connections at shutdown. */
export type BotApiFetch = { fetch: typeof fetch; close(): Promise<void> };

/**
 * The HTTP client grammY calls the Bot API with: undici's `request` over a keep-alive pool,
 * instead of grammY's default node-fetch over node's http module. Every reply, button answer
 * and photo of the bot is one such call, and this costs about a third less CPU per call
 * (measured against the emulator: ~115 µs instead of ~190 µs for client and server together).
 * grammY only reads the response's JSON; timeouts still come from its own abort signal, and
 * network failures still reach it as errors (it turns them into HttpError).
 */
export function createBotApiFetch(): BotApiFetch {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  const botApiFetch = async (url: string | URL | Request, init: RequestInit = {}) => {
    const response = await request(String(url), {
      method: init.method === "GET" ? "GET" : "POST",
      headers: init.headers as Record<string, string> | undefined,
      // grammY sends a JSON string, or a multipart stream when it uploads a file.
      body: init.body as string | Readable | undefined,
      signal: init.signal ?? undefined,
      dispatcher,
    });
    return { json: () => response.body.json() } as Response;
  };
  return {
    fetch: botApiFetch as typeof fetch,
    close: () => dispatcher.close(),
  };
}
