import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  diffSnapshotToSchema,
  isEmptyDiff,
  schemaPath,
  snapshotPath,
} from "../../prisma/new-migration.ts";

describe("migrations and schema", () => {
  it("have no schema change that lacks a migration", () => {
    // A change to schema.prisma without `npm run db:new-migration` shows up as a non-empty diff.
    const sql = diffSnapshotToSchema();
    expect(isEmptyDiff(sql), `schema.prisma changed without a migration:\n${sql}`).toBe(true);
    expect(readFileSync(snapshotPath, "utf8").length).toBeGreaterThan(0);
    expect(readFileSync(schemaPath, "utf8").length).toBeGreaterThan(0);
  });
});
