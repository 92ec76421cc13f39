import { defineConfig } from "drizzle-kit";

// Generates the PostgreSQL migrations shipped with the package (`@tetrastack/backend/database/postgres`).
// Run `pnpm db:generate` after a schema change: it runs this config and the SQLite one.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/database/postgres/schema.ts",
  out: "./drizzle/postgres",
});
