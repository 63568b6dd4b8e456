import { execFileSync } from "node:child_process";
import { fromProjectRoot } from "../../project-root.ts";

/** Process tests run the app as `npm start` does, from the bundle: build it once per run. */
export default function setup() {
  execFileSync(process.execPath, [fromProjectRoot("scripts", "build.mjs"), "--quiet"], {
    cwd: fromProjectRoot(),
    stdio: "inherit",
  });
}
