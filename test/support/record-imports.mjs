// Preloaded with `node --import` by process tests: writes every module URL the app resolves to
// the file named by RECORD_IMPORTS_FILE, so a test can tell what a process loaded.
import { register } from "node:module";

if (process.env.RECORD_IMPORTS_FILE) {
  register("./record-imports-hooks.mjs", import.meta.url, {
    data: { file: process.env.RECORD_IMPORTS_FILE },
  });
}
