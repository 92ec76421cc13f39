// `pnpm build`: `next build`, its output shown as usual and also kept in .next/build.log, which
// the browser journey test reads to check that the build logged no prerender error or warning
// (Cache Components reports those in the log; some do not fail the build).
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const child = spawn(process.execPath, [require.resolve("next/dist/bin/next"), "build"], {
  cwd: appDir,
  stdio: ["inherit", "pipe", "pipe"],
  env: process.env,
});
let log = "";
child.stdout.on("data", (chunk) => {
  log += chunk;
  process.stdout.write(chunk);
});
child.stderr.on("data", (chunk) => {
  log += chunk;
  process.stderr.write(chunk);
});
child.on("close", (code, signal) => {
  mkdirSync(join(appDir, ".next"), { recursive: true });
  writeFileSync(join(appDir, ".next", "build.log"), log);
  process.exit(code ?? (signal ? 1 : 0));
});
