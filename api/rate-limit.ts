import type { MiddlewareHandler } from "hono";
import type { ApiEnv } from "./context.ts";
import type { ErrorBody } from "./errors.ts";

type Bucket = { tokens: number; updatedAt: number };

/**
 * A token bucket per API token, in this process: `perMinute` requests may come at once, then
 * one more each 60/perMinute seconds. A caller over the limit gets 429 with `Retry-After`, the
 * whole seconds until a request would be taken. Runs after authentication, so only real tokens
 * get a bucket and a stranger cannot exhaust a real token's.
 */
export function rateLimit(
  perMinute: number,
  now: () => number = Date.now,
): MiddlewareHandler<ApiEnv> {
  const buckets = new Map<string, Bucket>();
  const perMs = perMinute / 60_000;
  return async (c, next) => {
    const key = c.get("principal").tokenId;
    const at = now();
    const bucket = buckets.get(key) ?? { tokens: perMinute, updatedAt: at };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (at - bucket.updatedAt) * perMs);
    bucket.updatedAt = at;
    buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
      c.header("Retry-After", String(retryAfter));
      return c.json<ErrorBody>(
        {
          error: {
            code: "rate_limited",
            message: `Too many requests: at most ${perMinute} a minute per token. Retry in ${retryAfter} s.`,
            details: { limitPerMinute: perMinute, retryAfterSeconds: retryAfter },
          },
        },
        429,
      );
    }
    bucket.tokens -= 1;
    await next();
  };
}
