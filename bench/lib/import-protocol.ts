/** What bench/import.ts and its worker process (bench/import-worker.ts) share. */
export const BENCH_TOKEN = "bench-admin-token-0123456789abcdef";

export type WorkerMessage =
  | { type: "ready"; port?: number; idleRss: number }
  | { type: "done"; rows: number; seconds: number }
  | { type: "peak"; maxRss: number };
