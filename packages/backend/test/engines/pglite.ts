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

interface Pooled {
  client: PGlite;
  db: Database<typeof schema, PGlite>;
  inUse: boolean;
}

const pool: Pooled[] = [];
let seed: Promise<PGlite> | undefined;

/**
 * A migrated PGlite database with no rows, for `createTestDatabase()` on the `pglite` engine.
 * Starting PGlite takes seconds and a test file makes dozens of databases, so a database handed
 * back by `release()` is emptied (TRUNCATE of every table) and handed out again; while it is in
 * use, the next one is a clone of a migrated seed instance (PGlite's `clone()`).
 */
export async function leasePgliteDatabase(): Promise<{ db: Database<typeof schema, PGlite>; release: () => void }> {
  let entry = pool.find((candidate) => !candidate.inUse);
  if (entry) {
    entry.inUse = true;
    await empty(entry.client);
  } else {
    seed ??= (async () => {
      const client = new PGlite();
      await migrate(await createDatabase({ client }));
      return client;
    })();
    const client = (await (await seed).clone()) as PGlite;
    const created: Pooled = { client, db: await createDatabase({ client }), inUse: true };
    pool.push(created);
    entry = created;
  }
  const leased = entry;
  return {
    db: leased.db,
    release: () => {
      leased.inUse = false;
    },
  };
}

/** Deletes every row of every table in `public` (the migration records live in `drizzle`). */
async function empty(client: PGlite): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'",
  );
  if (rows.length > 0) await client.exec(`TRUNCATE ${rows.map((row) => row.name).join(", ")} CASCADE`);
}

/** Closes every instance this process started. */
export async function stopPglite(): Promise<void> {
  const entries = pool.splice(0);
  const started = seed;
  seed = undefined;
  await Promise.all(entries.map((entry) => entry.client.close().catch(() => undefined)));
  if (started) await (await started).close().catch(() => undefined);
}
