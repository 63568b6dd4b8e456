import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * `npm run db:new-migration -- <name>`: writes the next migration from the difference between
 * the schema as of the last migration (prisma/migrations/schema.snapshot.prisma) and
 * prisma/schema.prisma. Uses `prisma migrate diff`, which works offline, instead of
 * `prisma migrate dev`, whose shadow-database replay fails through the PGlite adapter.
 */
export const snapshotPath = "prisma/migrations/schema.snapshot.prisma";
export const schemaPath = "prisma/schema.prisma";

export function diffSnapshotToSchema(): string {
  return execFileSync(
    "npx",
    [
      "prisma",
      "migrate",
      "diff",
      "--from-schema-datamodel",
      snapshotPath,
      "--to-schema-datamodel",
      schemaPath,
      "--script",
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
}

export function isEmptyDiff(sql: string): boolean {
  return sql.replace(/--.*$/gm, "").trim() === "";
}

function main(): void {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]{1,60}$/.test(name)) {
    process.stderr.write(
      "Usage: npm run db:new-migration -- <name>   (lowercase letters, digits, _)\n",
    );
    process.exit(2);
  }
  const sql = diffSnapshotToSchema();
  if (isEmptyDiff(sql)) {
    process.stdout.write("No schema changes since the last migration; nothing written.\n");
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = join("prisma/migrations", `${stamp}_${name}`);
  if (existsSync(dir)) throw new Error(`${dir} already exists`);
  mkdirSync(dir);
  writeFileSync(join(dir, "migration.sql"), sql);
  copyFileSync(schemaPath, snapshotPath);
  process.stdout.write(`Wrote ${dir}/migration.sql and updated ${snapshotPath}.\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
