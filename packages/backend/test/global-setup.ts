import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Tests of the built output (test/build-*.test.ts) need dist/. `pnpm test` builds first through
 * turbo; a bare `vitest` run builds here when dist/ is missing.
 */
export default function setup(): void {
  if (!existsSync(`${root}/dist/utils/index.js`)) {
    // pnpm itself may only be reachable through npx (as in the README's commands).
    execFileSync("npx", ["--yes", "pnpm@10.34.9", "run", "build"], { cwd: root, stdio: "ignore" });
  }
}
