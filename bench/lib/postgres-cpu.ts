import { readdirSync, readFileSync } from "node:fs";

const ticksPerSecond = 100; // USER_HZ on Linux

type ProcStat = { pid: number; ppid: number; name: string; cpu: number; childrenCpu: number };

function readStat(pid: string): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    // Fields after "(name) ": state ppid … utime(14) stime(15) cutime(16) cstime(17).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return {
      pid: Number(pid),
      ppid: Number(fields[1]),
      name,
      cpu: Number(fields[11]) + Number(fields[12]),
      childrenCpu: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return null; // the process ended while we looked
  }
}

/**
 * CPU milliseconds used so far by the local PostgreSQL server: every process named
 * "postgres", plus what the server's backends that already exited used (the postmaster's
 * reaped children). Null where that cannot be read (not Linux, a remote server). A benchmark on
 * PostgreSQL reports it next to its own CPU so the database's share shows.
 */
export function postgresCpuMs(): number | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return null;
  }
  const postgres = entries
    .map(readStat)
    .filter((stat): stat is ProcStat => stat?.name === "postgres");
  if (postgres.length === 0) return null;
  const pids = new Set(postgres.map((stat) => stat.pid));
  let ticks = 0;
  for (const stat of postgres) {
    ticks += stat.cpu;
    // The postmaster (its parent is not a postgres process) also carries its exited children.
    if (!pids.has(stat.ppid)) ticks += stat.childrenCpu;
  }
  return (ticks * 1000) / ticksPerSecond;
}
