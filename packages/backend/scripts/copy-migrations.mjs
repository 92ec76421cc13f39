// Ships each dialect's drizzle-kit migration files inside the package (dist/migrations for
// SQLite, dist/migrations/postgres for PostgreSQL) for people who apply them with their own
// tooling; `migrate()` itself uses the embedded copies.
import { cpSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dialects } from "./migration-dialects.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
for (const dialect of dialects) {
  // Only the dialect's own files and meta/: another dialect's folder nested inside is copied by its own entry.
  const nested = new Set(
    dialects.map((other) => other.folder).filter((folder) => folder.startsWith(`${dialect.folder}/`)),
  );
  for (const entry of readdirSync(`${root}/${dialect.folder}`)) {
    if (nested.has(`${dialect.folder}/${entry}`)) continue;
    cpSync(`${root}/${dialect.folder}/${entry}`, `${root}/${dialect.dist}/${entry}`, { recursive: true });
  }
}
