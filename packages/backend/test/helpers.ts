import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { expect } from "vitest";
import { authenticators, createDatabase, type Database, migrate, uploads } from "../src/database/index.js";
import { isTetrastackError } from "../src/shared/errors.js";
import { sharedLibsqlHttpServer, testEngine } from "./engines/engine.js";

export { type TestEngine, testEngine } from "./engines/engine.js";

/**
 * A fresh, migrated database in its own temp dir, on the engine of this test run
 * (`TEST_ENGINE`, see test/engines/engine.ts): a libSQL file (`file:` URL) by default, or that
 * file behind the Hrana-over-HTTP stand-in (`libsql-http`, an `http://` URL). `url` is what
 * `createDatabase` was given; `cleanup()` closes the client, stops serving the file and deletes it.
 */
export async function createTestDatabase(): Promise<{ db: Database; url: string; dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "tetrastack-test-"));
  const file = join(dir, "test.db");
  let url: string;
  let release = (): void => undefined;
  const engine = testEngine();
  switch (engine) {
    case "file":
      url = `file:${file}`;
      break;
    case "libsql-http": {
      const hosted = (await sharedLibsqlHttpServer()).serve(file);
      url = hosted.url;
      release = () => hosted.close();
      break;
    }
    // The PostgreSQL engines ("pglite", "postgres") go here.
    default:
      throw new Error(`createTestDatabase: no database for engine ${engine satisfies never}`);
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
      rmSync(dir, { recursive: true, force: true });
    },
  };
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
