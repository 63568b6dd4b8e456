/**
 * What a customer did with questions they did not answer (Customer.questionSkips), by key:
 * "Skip" counts (twice = never asked again), "Later" puts the question off until a date.
 */
export type QuestionSkips = Record<string, { skips: number; laterUntil?: string }>;

/** A question skipped this many times is not asked again (progressively). */
export const SKIPS_TO_NEVER = 2;

export function readSkips(stored: unknown): QuestionSkips {
  return stored && typeof stored === "object" ? (stored as QuestionSkips) : {};
}

/** Whether the progressive job may ask `key` at `now`. */
export function mayAsk(skips: QuestionSkips, key: string, now: Date): boolean {
  const entry = skips[key];
  if (!entry) return true;
  if (entry.skips >= SKIPS_TO_NEVER) return false;
  return !entry.laterUntil || new Date(entry.laterUntil).getTime() <= now.getTime();
}

/** The skips after the customer pressed "Skip" or "Later" on `key`. */
export function withSkip(
  skips: QuestionSkips,
  key: string,
  action: { kind: "skip" } | { kind: "later"; until: Date },
): QuestionSkips {
  const entry = skips[key] ?? { skips: 0 };
  const next =
    action.kind === "skip"
      ? { skips: entry.skips + 1 }
      : { skips: entry.skips, laterUntil: action.until.toISOString() };
  return { ...skips, [key]: next };
}
