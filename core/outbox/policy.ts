/**
 * How the dispatcher treats time: quiet hours in the business's time zone, and the pause
 * before retrying a message that failed for a passing reason.
 */

/** "22:00-09:00" → minutes of the day, [from, to); a range may wrap past midnight. */
export type QuietHours = { fromMinute: number; toMinute: number };

export function parseQuietHours(value: string): QuietHours | null | "invalid" {
  if (value.trim().toLowerCase() === "off") return null;
  const match = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!match) return "invalid";
  const [, fh, fm, th, tm] = match.map(Number) as [number, number, number, number, number];
  if (fh > 23 || th > 23 || fm > 59 || tm > 59) return "invalid";
  const fromMinute = fh * 60 + fm;
  const toMinute = th * 60 + tm;
  return fromMinute === toMinute ? null : { fromMinute, toMinute };
}

export function isQuietTime(quiet: QuietHours | null, now: Date, timeZone: string): boolean {
  if (!quiet) return false;
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const hour = Number(parts.find((p) => p.type === "hour")?.value);
  const minute = Number(parts.find((p) => p.type === "minute")?.value);
  const at = hour * 60 + minute;
  return quiet.fromMinute < quiet.toMinute
    ? at >= quiet.fromMinute && at < quiet.toMinute
    : at >= quiet.fromMinute || at < quiet.toMinute;
}

/** Attempts before a message that keeps failing for passing reasons is given up. */
export const MAX_SEND_ATTEMPTS = 6;

/** 30 s, 1 min, 2 min… capped at an hour: Telegram's own outages last minutes, not days. */
export function retryDelayMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 60 * 60_000);
}
