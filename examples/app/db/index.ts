import { join } from "node:path";
import { createDatabase, migrate, schema } from "@tetrastack/backend/database";
import * as appSchema from "./schema";

/** One client per server process, typed with the package's schema and the app's own tables. */
export const db = createDatabase({
  url: process.env.DATABASE_URL,
  authToken: process.env.DATABASE_AUTH_TOKEN,
  schema: { ...schema, ...appSchema },
});

let ready: Promise<unknown> | undefined;

/** Applies the package's migrations and then the app's (./drizzle), once per process. */
export function migrateOnce(): Promise<unknown> {
  ready ??= migrate(db, { migrationsFolder: join(process.cwd(), "drizzle") });
  return ready;
}
