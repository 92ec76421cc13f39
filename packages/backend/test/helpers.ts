import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import type { SQL } from "drizzle-orm";
import { expect, inject } from "vitest";
import { createDatabase, type Database, migrate } from "../src/database/index.js";
import { createDatabase as createPostgresDatabase } from "../src/database/postgres/index.js";
import { isTetrastackError } from "../src/shared/errors.js";
import { sharedLibsqlHttpServer, testEngine } from "./engines/engine.js";
import { leasePgliteDatabase } from "./engines/pglite.js";
import { authenticators, uploads } from "./engines/tables.js";

export { onPostgres, type TestEngine, testEngine } from "./engines/engine.js";

/**
 * A fresh, migrated database in its own temp dir, on the engine of this test run
 * (`TEST_ENGINE`, see test/engines/engine.ts): a libSQL file (`file:` URL) by default, that file
 * behind the Hrana-over-HTTP stand-in (`libsql-http`, an `http://` URL), an emptied PGlite
 * instance (`pglite`), or a new database on the run's PostgreSQL server (`postgres`, a
 * `postgres://` URL). `db` is typed as libSQL's: the package's code builds the same queries on
 * both dialects, and the tests' tables come from test/engines/tables.ts, of the engine's dialect.
 * `url` is what `createDatabase` was given (empty for PGlite); `cleanup()` closes the client,
 * stops serving the file and deletes it.
 */
export async function createTestDatabase(): Promise<{ db: Database; url: string; dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "tetrastack-test-"));
  const file = join(dir, "test.db");
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  const engine = testEngine();
  switch (engine) {
    case "file":
    case "libsql-http": {
      let url = `file:${file}`;
      let release = (): void => undefined;
      if (engine === "libsql-http") {
        const hosted = (await sharedLibsqlHttpServer()).serve(file);
        url = hosted.url;
        release = () => hosted.close();
      }
      const db = createDatabase({ url });
      await migrate(db);
      return {
        db,
        url,
        dir,
        cleanup: () => {
          db.$client.close();
          release();
          removeDir();
        },
      };
    }
    case "pglite": {
      const { db, release } = await leasePgliteDatabase();
      return {
        db: db as unknown as Database,
        url: "",
        dir,
        cleanup: () => {
          release();
          removeDir();
        },
      };
    }
    case "postgres": {
      const url = await freshPostgresDatabase();
      const db = await createPostgresDatabase({ url, maxConnections: 4 });
      return {
        db: db as unknown as Database,
        url,
        dir,
        cleanup: () => {
          void db.$client.end();
          removeDir();
        },
      };
    }
    default:
      throw new Error(`createTestDatabase: no database for engine ${engine satisfies never}`);
  }
}

/**
 * A second client of the same database, as a second app instance would open it: a new libSQL
 * client on the file (or the stand-in's URL), a new pool on the PostgreSQL server. PGlite has one
 * connection per instance, so there the second "client" is the same database object (the test
 * then shows two app instances on one connection, not two connections).
 */
export async function openSecondClient(t: { db: Database; url: string }): Promise<{ db: Database; close: () => void }> {
  switch (testEngine()) {
    case "file":
    case "libsql-http": {
      const db = createDatabase({ url: t.url });
      return { db, close: () => db.$client.close() };
    }
    case "pglite":
      return { db: t.db, close: () => undefined };
    case "postgres": {
      const db = await createPostgresDatabase({ url: t.url, maxConnections: 4 });
      return { db: db as unknown as Database, close: () => void db.$client.end() };
    }
  }
}

/** Runs raw SQL on the test database, whichever its dialect (`run` on libSQL, `execute` on PostgreSQL). */
export async function runSQL(db: Database, query: SQL): Promise<void> {
  const pg = db as unknown as { execute?: (query: SQL) => Promise<unknown> };
  if (onPostgresEngine()) await pg.execute?.(query);
  else await db.run(query);
}

/** Rows of a raw query on the test database, whichever its dialect. */
export async function queryAll<T>(db: Database, query: SQL): Promise<T[]> {
  if (!onPostgresEngine()) return db.all<T>(query);
  const result = await (db as unknown as { execute(query: SQL): Promise<{ rows: T[] }> }).execute(query);
  return result.rows;
}

function onPostgresEngine(): boolean {
  const engine = testEngine();
  return engine === "pglite" || engine === "postgres";
}

let postgresAdmin: Promise<{ query(text: string): Promise<unknown> }> | undefined;
let postgresDatabases = 0;

/** A new database on the `postgres` engine's server, copied from the migrated template. */
async function freshPostgresDatabase(): Promise<string> {
  const engine = inject("postgresEngine");
  if (!engine) throw new Error("TEST_ENGINE=postgres needs the PostgreSQL 15 binaries: apt-get install postgresql");
  postgresAdmin ??= createPostgresDatabase({ url: engine.adminURL, maxConnections: 1 }).then((db) => db.$client);
  const name = `t_${process.pid}_${++postgresDatabases}`;
  await (await postgresAdmin).query(`CREATE DATABASE ${name} TEMPLATE ${engine.template}`);
  const url = new URL(engine.adminURL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Gives a user a WebAuthn authenticator and an upload record: rows that must go when the user does. */
export async function seedAuthenticatorAndUpload(db: Database, ownerId: string): Promise<void> {
  await db.insert(authenticators).values({
    userId: ownerId,
    credentialID: `cred-${ownerId}`,
    providerAccountId: ownerId,
    credentialPublicKey: "key",
    counter: 0,
    credentialDeviceType: "singleDevice",
    credentialBackedUp: false,
  });
  await db.insert(uploads).values({
    ownerId,
    key: `u/${ownerId}/a.png`,
    policy: "avatar",
    filename: "a.png",
    contentType: "image/png",
    size: 1,
  });
}

/** Awaits `action`, expects it to reject with a package error of `code`, and returns that error. */
export async function rejectsWithCode(action: Promise<unknown>, code: string): Promise<Error> {
  const error = await action.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(isTetrastackError(error), `expected ${code}, got ${inspect(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  return error as Error;
}
