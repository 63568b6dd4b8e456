import { readFile, rm, writeFile } from "node:fs/promises";

/**
 * PGlite is PostgreSQL inside this process: two processes opening the same data directory
 * would corrupt it, and PGlite itself does not prevent that. A lock file holding the owner's pid
 * does; a lock left by a crashed process (its pid is gone) is taken over. The lock file sits
 * next to the directory (`<dir>.lock`): PGlite treats a non-empty directory as an existing
 * cluster, so nothing of ours may live inside it.
 */
/** The embedded database is open in another process (the running app, most likely). */
export class DataDirInUseError extends Error {
  override name = "DataDirInUseError";
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dir} is in use by another process (pid ${pid}). Stop that process, or set DATA_DIR to another folder.`,
    );
  }
}

export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const path = `${dir.replace(/[/\\]+$/, "")}.lock`;
  try {
    await writeFile(path, String(process.pid), { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const owner = Number((await readFile(path, "utf8").catch(() => "")).trim());
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new DataDirInUseError(dir, owner);
    }
    await writeFile(path, String(process.pid));
  }
  return async () => {
    await rm(path, { force: true });
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
