// `npm run build`: bundles the app's entry points into dist/ with esbuild (about half a
// second), so that `npm start` runs plain JavaScript in a single node process: no TypeScript
// loader at run time, one file to parse at start-up. Modules loaded on demand (PGlite, the
// Prisma client, the emulator, QR rendering) become chunks of their own and stay unloaded
// until used. Packages from node_modules are not bundled; they are imported as usual.
import { build } from "esbuild";

const started = performance.now();
await build({
  entryPoints: {
    main: "main.ts",
    chat: "emulator/chat-cli.ts",
    migrate: "prisma/migrate-cli.ts",
    "staff-invite": "cli/staff-invite.ts",
    import: "cli/import.ts",
    export: "cli/export.ts",
  },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  // Old chunks stay: a process started from an earlier build may still load them on demand.
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});
if (!process.argv.includes("--quiet")) {
  process.stdout.write(`Built dist/ in ${Math.round(performance.now() - started)} ms\n`);
}
