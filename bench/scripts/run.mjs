// `pnpm bench`: builds the package and bundles the benchmark (scripts/prepare.mjs, under the
// build lock other sessions use), then runs it in a fresh Node process.
// Options: --quick (fewer, shorter rounds), --only=sessions,signin,limits,tokens,uploads,imports,growth,organizations,
// --no-build (use dist/ as it is).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bench = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const startedAt = Date.now();

// `flock` where the machine has it: one package build at a time across sessions.
const LOCK = "/tmp/backend-build.lock";
const prepare = [process.execPath, `${bench}scripts/prepare.mjs`, ...args.filter((arg) => arg === "--no-build")];
const command = existsSync("/usr/bin/flock") ? ["flock", LOCK, ...prepare] : prepare;
execFileSync(command[0], command.slice(1), { cwd: bench, stdio: "inherit" });
console.log(`built and bundled in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);

const run = spawnSync(process.execPath, ["--enable-source-maps", `${bench}.out/main.mjs`, ...args], {
  cwd: bench,
  stdio: "inherit",
  env: { ...process.env, BENCH_STARTED_AT: String(startedAt) },
});
process.exit(run.status ?? 1);
