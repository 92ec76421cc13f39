import { defineConfig } from "drizzle-kit";

// Generates the SQLite migrations shipped with the package (`@tetrastack/backend/database`). Run
// `pnpm db:generate` after a schema change: it runs this config and drizzle.postgres.config.ts.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/database/schema.ts",
  out: "./drizzle",
});
