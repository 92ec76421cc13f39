// Fails when a dialect's schema has changes that no shipped migration covers, or when an embedded
// copy of the migrations is stale. Runs drizzle-kit generate for each dialect's config and checks
// that it wrote nothing.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dialects } from "./migration-dialects.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const run = (cmd, args) =>
  execFileSync(cmd, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

for (const dialect of dialects) {
  const output = run("pnpm", ["exec", "drizzle-kit", "generate", "--config", dialect.config]);
  const changed = run("git", ["status", "--porcelain", "--untracked-files=all", "--", dialect.folder]).trim();
  if (changed) {
    console.error(
      `drizzle-kit generate (${dialect.name}) found schema changes without a migration:\n${changed}\n${output}`,
    );
    console.error("Run `pnpm --filter @tetrastack/backend db:generate` and commit the result.");
    process.exit(1);
  }
  console.log(`drizzle-kit (${dialect.name}): no pending schema change against the shipped migrations.`);
}
run("node", ["scripts/embed-migrations.mjs", "--check"]);
