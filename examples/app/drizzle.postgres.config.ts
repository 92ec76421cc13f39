import { defineConfig } from "drizzle-kit";

// The PostgreSQL twin of drizzle.config.ts: the app's own tables for PostgreSQL, in drizzle/postgres.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.postgres.ts",
  out: "./drizzle/postgres",
});
