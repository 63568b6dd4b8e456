import { cpus, totalmem } from "node:os";

/** One line describing where a benchmark ran, printed above its figures. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown CPU";
  return `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
