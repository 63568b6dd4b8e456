/** Small statistics for benchmark reports: medians and spreads, not means. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** "median (min–max)" with the given number of decimals. */
export function spread(values: readonly number[], decimals = 1): string {
  const f = (v: number) => v.toFixed(decimals);
  return `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
}
