/** How deliveries are retried: the dispatcher's rules, in one place for it and the README. */

/** Attempts before a delivery is given up on (FAILED). */
export const MAX_WEBHOOK_ATTEMPTS = 8;

/** How long a receiver has to answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** The pause after attempt `attempts` failed: 30 s, 1, 2, 4… minutes, at most 6 hours. */
export function webhookRetryDelayMs(attempts: number, baseMs = 30_000): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 6 * 60 * 60 * 1000);
}

/**
 * Whether an answer is worth trying again: network errors, timeouts, 5xx, 408 and 429. Other
 * 4xx say the receiver refuses this request, and sending it again would not change that.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}
