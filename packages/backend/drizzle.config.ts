import { defineConfig } from "drizzle-kit";

// Generates the migrations shipped with the package. Run `pnpm db:generate` after a schema change.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/database/schema.ts",
  out: "./drizzle",
});
