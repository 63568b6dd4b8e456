import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The directory holding package.json, found from wherever this code runs: the TypeScript
 * sources (tests, tools) or the bundle in dist/. Files read at run time — translations,
 * migrations — are addressed from here, so both layouts find the same ones.
 */
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("package.json not found above the running code");
    dir = parent;
  }
  return dir;
}

export const projectRoot = findProjectRoot();

export function fromProjectRoot(...segments: string[]): string {
  return join(projectRoot, ...segments);
}
