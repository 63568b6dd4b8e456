import type { ApiError as ApiErrorBody, ResponseParameters } from "grammy/types";

export type { ApiErrorBody };

/** A successful Bot API answer. `description` is set by a few methods, e.g. "Webhook was set". */
export interface ApiSuccessBody<T = unknown> {
  ok: true;
  result: T;
  description?: string;
}

export type ApiResponse<T = unknown> = ApiSuccessBody<T> | ApiErrorBody;

/**
 * An error answer of the Bot API. Method handlers throw it; the HTTP layer turns it into
 * `{ ok: false, error_code, description, parameters? }` with the same HTTP status, exactly
 * like api.telegram.org does.
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
    this.name = "ApiError";
  }

  toBody(): ApiErrorBody {
    return {
      ok: false,
      error_code: this.code,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

// The descriptions below are the ones telegram-bot-api produces (see its Client.cpp), so code
// that matches on `err.description` behaves the same against the emulator and production.

export const badRequest = (what: string) => new ApiError(400, `Bad Request: ${what}`);

export const unauthorized = () => new ApiError(401, "Unauthorized");

export const botBlocked = () => new ApiError(403, "Forbidden: bot was blocked by the user");

export const methodNotFound = () => new ApiError(404, "Not Found: method not found");

export const conflict = (what: string) => new ApiError(409, `Conflict: ${what}`);

export const tooManyRequests = (retryAfter: number) =>
  new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });

export const internalServerError = (detail?: string) =>
  new ApiError(500, detail ? `Internal Server Error: ${detail}` : "Internal Server Error");

export const badGateway = () => new ApiError(502, "Bad Gateway");

/** Lets a handler attach Telegram's human-readable `description` to a successful answer. */
export class Described<T> {
  constructor(
    readonly result: T,
    readonly description: string,
  ) {}
}
