import { createDatabase, migrate } from "@tetrastack/backend/database";

/** The package's schema only: this API has no tables of its own. */
export const db = createDatabase({
  url: process.env.DATABASE_URL ?? "file:mobile-api.db",
  authToken: process.env.DATABASE_AUTH_TOKEN,
});

let ready: Promise<unknown> | undefined;

/** Applies the package's migrations, once per process. */
export function migrateOnce(): Promise<unknown> {
  ready ??= migrate(db);
  return ready;
}
