import { readdirSync, readFileSync } from "node:fs";

const ticksPerSecond = 100; // USER_HZ on Linux

/**
 * CPU milliseconds used so far by every local process named "postgres" (the server and its
 * backends), read from /proc; null where that is not possible (not Linux, remote server).
 * A benchmark on PostgreSQL reports it next to its own CPU so the database's share shows.
 */
export function postgresCpuMs(): number | null {
  let total = 0;
  let found = false;
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (name !== "postgres") continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime and stime are fields 14 and 15 of /proc/<pid>/stat (index 11 and 12 here).
      total += Number(fields[11]) + Number(fields[12]);
      found = true;
    } catch {
      // The process ended while we looked.
    }
  }
  return found ? (total * 1000) / ticksPerSecond : null;
}
