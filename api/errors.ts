import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError, type AppErrorCode } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";

const statusByCode: Record<AppErrorCode, ContentfulStatusCode> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  insufficient_points: 409,
};

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

/** The single place where failures become HTTP answers; a stack trace never leaves the server. */
export function createErrorHandler(logger: Logger): ErrorHandler {
  return (error, c) => {
    if (error instanceof AppError) {
      return c.json<ErrorBody>(
        { error: { code: error.code, message: error.message, details: error.details } },
        statusByCode[error.code],
      );
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      const code = status === 401 ? "unauthorized" : status === 403 ? "forbidden" : "bad_request";
      const details = error.cause && typeof error.cause === "object" ? error.cause : undefined;
      return c.json<ErrorBody>(
        { error: { code, message: error.message || "Bad request", details } },
        status as ContentfulStatusCode,
      );
    }
    logger.error({ err: error, method: c.req.method, path: c.req.routePath }, "API request failed");
    return c.json<ErrorBody>(
      { error: { code: "internal", message: "Internal server error" } },
      500,
    );
  };
}

export const notFound: NotFoundHandler = (c) =>
  c.json<ErrorBody>(
    { error: { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}` } },
    404,
  );
