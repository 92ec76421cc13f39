// The dialects whose drizzle-kit migrations the package ships: where drizzle-kit writes them,
// where they are embedded, and where the build copies them. Shared by the scripts beside this file.
export const dialects = [
  {
    name: "sqlite",
    config: "drizzle.config.ts",
    folder: "drizzle",
    embedded: "src/database/migrations.generated.ts",
    migrationType: "./migration-files.js",
    dist: "dist/migrations",
  },
  {
    name: "postgresql",
    config: "drizzle.postgres.config.ts",
    folder: "drizzle/postgres",
    embedded: "src/database/postgres/migrations.generated.ts",
    migrationType: "../migration-files.js",
    dist: "dist/migrations/postgres",
  },
];
