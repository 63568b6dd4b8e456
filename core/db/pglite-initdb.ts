import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { PGliteOptions } from "@electric-sql/pglite";

/**
 * Creates a new PGlite cluster in `dataDir` in a short-lived child process, when the directory
 * holds none yet. PGlite runs initdb (a second WebAssembly program) inside the calling process,
 * which peaks at about 770 MB and leaves several hundred MB behind; done in a child, that peak
 * never touches the long-running process (nor the memory limit of a small server), which then
 * opens the finished directory in well under a second.
 *
 * The cluster is made in a sibling directory and moved into place when complete, so a start-up
 * interrupted half-way leaves no half-made database behind, just a retry next time.
 */
export async function initPgliteDataDir(dataDir: string, options: PGliteOptions): Promise<void> {
  if (existsSync(join(dataDir, "PG_VERSION"))) return;
  const leftovers = await readdir(dataDir).catch(() => []);
  if (leftovers.length > 0) {
    throw new Error(
      `${dataDir} is not empty but holds no database; refusing to touch it. Set DATA_DIR to an empty or new folder.`,
    );
  }
  const staging = `${dataDir.replace(/[/\\]+$/, "")}.initdb`;
  await rm(staging, { recursive: true, force: true });
  await createInChild(staging, options);
  await rm(dataDir, { recursive: true, force: true });
  await rename(staging, dataDir);
}

async function createInChild(dataDir: string, options: PGliteOptions): Promise<void> {
  const pglitePath = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const script = `
    const { PGlite } = require(${JSON.stringify(pglitePath)});
    PGlite.create(${JSON.stringify({ ...options, dataDir })})
      .then((db) => db.close())
      .catch((error) => { console.error(error && error.message ? error.message : error); process.exit(1); });`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `Could not create the embedded database in ${dataDir}: ${stderr.trim() || `exit code ${code}`}`,
          ),
        );
    });
  });
}
