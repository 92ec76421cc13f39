import { PGlite } from "@electric-sql/pglite";
import { createDatabase, type Database, migrate, type schema } from "../../src/database/postgres/index.js";

// PostgreSQL in process (PGlite: PostgreSQL compiled to WebAssembly), so every PostgreSQL test
// runs on a machine with only Node.js. One connection per instance, as PGlite has.

/** A fresh, migrated in-memory PGlite database; `cleanup()` closes it. */
export async function createPgliteDatabase(): Promise<{
  db: Database<typeof schema, PGlite>;
  client: PGlite;
  cleanup: () => Promise<void>;
}> {
  const client = new PGlite();
  const db = await createDatabase({ client });
  await migrate(db);
  return { db, client, cleanup: () => client.close() };
}
