// Builds the package (through turbo, so an unchanged package is a cache hit) and bundles the
// benchmark. scripts/run.mjs runs this under the build lock, so the bundle never reads a dist/
// that another session is rebuilding. Option: --no-build (bundle dist/ as it is).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bundle } from "./bundle.mjs";

const bench = fileURLToPath(new URL("..", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));

if (!process.argv.includes("--no-build")) {
  const turbo = ["exec", "turbo", "run", "build", "--filter=@tetrastack/backend", "--output-logs=errors-only"];
  console.log(`$ pnpm ${turbo.join(" ")}`);
  execFileSync("pnpm", turbo, { cwd: root, stdio: "inherit" });
}
await bundle(`${bench}src/main.ts`, `${bench}.out/main.mjs`);
