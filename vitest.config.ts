import { defineConfig } from "vitest/config";

// Every database test runs on in-memory PGlite; when TEST_DATABASE_URL points at a PostgreSQL
// server, the same files run a second time there (each file in a database of its own).
const postgresUrl = process.env.TEST_DATABASE_URL;

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Fail loudly on forgotten .only in CI.
    allowOnly: !process.env.CI,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts"] },
      },
      {
        extends: true,
        test: {
          name: "pglite",
          include: ["test/**/*.test.ts"],
          exclude: ["test/unit/**"],
          globalSetup: ["test/support/build-setup.ts", "test/support/global-setup.ts"],
          env: { TEST_DB_KIND: "pglite" },
        },
      },
      ...(postgresUrl
        ? [
            {
              extends: true as const,
              test: {
                name: "postgres",
                include: ["test/**/*.test.ts"],
                // The emulator's own tests touch no database: once is enough.
                exclude: ["test/unit/**", "test/emulator*.test.ts"],
                globalSetup: ["test/support/build-setup.ts"],
                env: { TEST_DB_KIND: "postgres" },
              },
            },
          ]
        : []),
    ],
  },
});
