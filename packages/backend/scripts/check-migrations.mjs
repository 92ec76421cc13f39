// Fails when the schema has changes that no shipped migration covers, or when the embedded copy
// of the migrations is stale. Runs drizzle-kit generate and checks that it wrote nothing.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const run = (cmd, args) =>
  execFileSync(cmd, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

const output = run("pnpm", ["exec", "drizzle-kit", "generate"]);
const changed = run("git", ["status", "--porcelain", "--untracked-files=all", "--", "drizzle"]).trim();
if (changed) {
  console.error(`drizzle-kit generate found schema changes without a migration:\n${changed}\n${output}`);
  console.error("Run `pnpm --filter @tetrastack/backend db:generate` and commit the result.");
  process.exit(1);
}
console.log("drizzle-kit: no pending schema change against the shipped migrations.");
run("node", ["scripts/embed-migrations.mjs", "--check"]);
