import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { TestProject } from "vitest/node";
import { pgliteOptions } from "../../core/db/pglite-options.ts";
import { pgliteSession } from "../../core/db/sql-session.ts";
import { migrate } from "../../prisma/migrator.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated PGlite data directory (tarball) that each test database starts from. */
    pgliteTemplate: string;
  }
}

/**
 * Creating a PGlite cluster (initdb) takes seconds; loading a dump of an already migrated one
 * takes under one. The template is made once per test run with the real migration runner.
 */
export default async function setup(project: TestProject) {
  const pglite = await PGlite.create(pgliteOptions());
  await migrate(pgliteSession(pglite));
  const dump = await pglite.dumpDataDir("none");
  await pglite.close();
  const path = join(tmpdir(), `loyalty-pglite-template-${process.pid}.tar`);
  await writeFile(path, Buffer.from(await dump.arrayBuffer()));
  project.provide("pgliteTemplate", path);
  return async () => {
    await rm(path, { force: true });
  };
}
