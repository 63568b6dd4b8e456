import { PGlite, type PGliteOptions } from "@electric-sql/pglite";

/**
 * How every PGlite of this app is opened (the app, the test template, tests of the runner).
 *
 * - `shared_buffers=16MB`: PGlite's default is PostgreSQL's 128 MB, and its WebAssembly memory
 *   allocator zero-fills all of it at start-up, so the process carried ~150 MB of buffers for
 *   a database of a few megabytes. The operating system's page cache serves what 16 MB of
 *   buffers do not hold.
 * - `database: "template1"`: PGlite 0.3 kept all data in template1 (its default then), and data
 *   directories from that time must open with their data; 0.4 would default to "postgres".
 */
export function pgliteOptions(
  options: { dataDir?: string; loadDataDir?: Blob } = {},
): PGliteOptions {
  return {
    ...options,
    database: "template1",
    startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"],
  };
}
