// Prisma CLI configuration. `engine: "js"` with a driver adapter makes the CLI use its bundled
// Wasm schema engine, so `prisma generate` and `prisma migrate diff` work without downloading
// native engines (this network cannot reach Prisma's binary server).
import { PGlite } from "@electric-sql/pglite";
import { defineConfig } from "prisma/config";
import { pgliteAdapter } from "./core/db/pglite-adapter.ts";

process.env.PRISMA_SCHEMA_PLACEHOLDER_URL ??= "postgresql://unused@localhost/unused";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  async adapter() {
    return pgliteAdapter(new PGlite());
  },
});
