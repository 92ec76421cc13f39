import { defineConfig } from "drizzle-kit";

// The app's own tables only; they reference the package's `users`, whose migrations the package ships.
export default defineConfig({
  dialect: "sqlite",
  schema: "./db/schema.ts",
  out: "./drizzle",
});
