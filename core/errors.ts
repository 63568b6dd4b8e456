/**
 * Domain errors carry a stable code. Transports translate codes in one place: the API maps
 * them to HTTP statuses, the bot to a message key (`error-<code>` in bot/locales).
 */
export type AppErrorCode =
  | "not_found"
  | "invalid_input"
  | "conflict"
  | "forbidden"
  | "unauthorized"
  | "insufficient_points";

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002"
  );
}
