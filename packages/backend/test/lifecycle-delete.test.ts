// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { eq, sql } from "drizzle-orm";
import { integer as pgInteger, pgTable, text as pgText, uuid as pgUuid } from "drizzle-orm/pg-core";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth, BeforeDeleteResult } from "../src/auth/index.js";
import { type Database, id, timestamps, userId } from "../src/database/index.js";
import {
  id as pgId,
  timestamps as pgTimestamps,
  userId as pgUserId,
  users as pgUsers,
} from "../src/database/postgres/index.js";
import { ORIGIN, PASSWORD } from "./auth-helpers.js";
import { sessions, users, verificationTokens } from "./engines/tables.js";
import { onPostgres, queryAll, runSQL, seedAuthenticatorAndUpload } from "./helpers.js";
import { action, type captureMail, createLifecycleAuth, rejection, signedIn, signIn } from "./lifecycle-helpers.js";

// Account deletion on a real libSQL file database with two consumer tables: `notes` cascades
// from users (the `userId()` helper), `ledger` references users without a cascade, so only the
// beforeDelete hook can clear it. Only the mail provider is mocked (captureMail).

// The app's own tables, of the run's dialect (TEST_ENGINE): notes cascade with the user, the
// ledger's foreign key does not, so only the hook can clear it. Typed as the libSQL tables, as the
// package's tables are in the tests (test/engines/tables.ts).
const notes = onPostgres()
  ? (pgTable("notes", { id: pgId(), userId: pgUserId(), body: pgText("body").notNull(), ...pgTimestamps() }) as never)
  : sqliteTable("notes", { id: id(), userId: userId(), body: text("body").notNull(), ...timestamps() });
const ledger = onPostgres()
  ? (pgTable("ledger", {
      id: pgId(),
      userId: pgUuid("user_id")
        .notNull()
        .references(() => pgUsers.id),
      amount: pgInteger("amount").notNull(),
      ...pgTimestamps(),
    }) as never)
  : sqliteTable("ledger", {
      id: id(),
      userId: text("user_id")
        .notNull()
        .references(() => users.id),
      amount: integer("amount").notNull(),
      ...timestamps(),
    });

async function createConsumerTables(db: Database): Promise<void> {
  if (onPostgres()) {
    await runSQL(
      db,
      sql`CREATE TABLE notes (id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      body text NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)`,
    );
    await runSQL(
      db,
      sql`CREATE TABLE ledger (id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users(id),
      amount integer NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)`,
    );
    return;
  }
  await db.run(sql`CREATE TABLE notes (id text PRIMARY KEY, user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body text NOT NULL, created_at integer NOT NULL, updated_at integer NOT NULL)`);
  await db.run(sql`CREATE TABLE ledger (id text PRIMARY KEY, user_id text NOT NULL REFERENCES users(id),
    amount integer NOT NULL, created_at integer NOT NULL, updated_at integer NOT NULL)`);
}

/** Gives the user a row in every table that can reference a user, plus an Auth.js sign-in token. */
async function populate(db: Database, owner: { id: string; email: string }): Promise<void> {
  await seedAuthenticatorAndUpload(db, owner.id);
  await db.insert(notes).values({ userId: owner.id, body: "mine" });
  await db.insert(ledger).values({ userId: owner.id, amount: 5 });
  // As @auth/drizzle-adapter writes it: no user id, only the address.
  await db
    .insert(verificationTokens)
    .values({ identifier: owner.email, token: `adapter-${owner.id}`, expires: new Date(Date.now() + 60_000) });
}

/** Every `table.column` in the database holding the user's id or email (rate_limits holds only hashes). */
async function traces(db: Database, owner: { id: string; email: string }): Promise<string[]> {
  // Text columns on PostgreSQL too (ids are uuid there: compared as text).
  const columns = onPostgres()
    ? await queryAll<{ table: string; column: string }>(
        db,
        sql`SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
          WHERE table_schema = 'public' AND data_type IN ('text', 'uuid', 'character varying')`,
      )
    : (
        await Promise.all(
          (
            await db.all<{ name: string }>(
              sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_\\_%' ESCAPE '\\'`,
            )
          ).map(async ({ name }) =>
            (
              await db.all<{ name: string }>(sql.raw(`PRAGMA table_info("${name}")`))
            ).map((column) => ({
              table: name,
              column: column.name,
            })),
          ),
        )
      ).flat();
  const found: string[] = [];
  for (const { table, column } of columns) {
    // The audit log keeps ids without foreign keys by design, so that the events (user.deleted
    // among them) outlive the account until prune() removes them: test/audit-log.test.ts.
    if (table === "audit_events") continue;
    const value = onPostgres() ? sql`${sql.identifier(column)}::text` : sql.identifier(column);
    const [row] = await queryAll<{ n: number | string }>(
      db,
      sql`SELECT count(*) AS n FROM ${sql.identifier(table)} WHERE ${value} IN (${owner.id}, ${owner.email})`,
    );
    if (Number(row?.n ?? 0) > 0) found.push(`${table}.${column}`);
  }
  return found.sort();
}

const ALL_TRACES = [
  "accounts.provider_account_id",
  "accounts.user_id",
  "authenticators.provider_account_id",
  "authenticators.user_id",
  "ledger.user_id",
  "notes.user_id",
  "sessions.user_id",
  "uploads.owner_id",
  "users.email",
  "users.id",
  "verification_tokens.identifier",
  "verification_tokens.user_id",
];

describe("account deletion", () => {
  let auth: Auth;
  let db: Database;
  let mail: ReturnType<typeof captureMail>;
  let cleanup: () => void;
  /** What the beforeDelete hook does in the current test. */
  let hook: (user: { id: string }, q: Database) => BeforeDeleteResult = () => undefined;

  beforeAll(async () => {
    ({ auth, db, mail, cleanup } = await createLifecycleAuth({
      accountDeletion: { beforeDelete: ({ user, db: q }) => hook(user, q as Database) },
    }));
    await createConsumerTables(db);
  });
  afterAll(() => cleanup());

  // The hook's queries are built on the database it is given (on PostgreSQL, the deletion's transaction).
  const clearLedger = (user: { id: string }, q: Database) => [q.delete(ledger).where(eq(ledger.userId, user.id))];

  it("deleteAccount removes the user and every row that refers to them, with the app's data, in one go", async () => {
    const { userId: id, browser: laptop } = await signedIn(auth, "gone@example.com");
    const phone = await signIn(auth, "gone@example.com");
    const owner = { id, email: "gone@example.com" };
    await populate(db, owner);
    await action(laptop, () => auth.requestPasswordReset("gone@example.com")); // a pending link, bound to the user
    const other = await signedIn(auth, "stays@example.com");
    await populate(db, { id: other.userId, email: "stays@example.com" });
    expect(await traces(db, owner)).toEqual(ALL_TRACES);

    hook = clearLedger;
    const result = await action(laptop, () => auth.deleteAccount({ password: PASSWORD }));
    expect(result).toEqual({ userId: id });

    expect(await traces(db, owner)).toEqual([]);
    // PostgreSQL checks every foreign key at each statement; SQLite is asked.
    if (!onPostgres()) expect(await db.all(sql`PRAGMA foreign_key_check`)).toEqual([]);
    expect(laptop.sessionToken).toBeUndefined(); // the action cleared the cookie
    expect(await phone.session()).toBeNull();
    expect(await traces(db, { id: other.userId, email: "stays@example.com" })).toEqual(
      ALL_TRACES.filter((t) => t !== "verification_tokens.user_id"),
    );
    expect(await other.browser.session()).not.toBeNull();
  });

  it("runs the hook's queries in the same transaction: one failure and nothing is deleted", async () => {
    const { userId: id, browser } = await signedIn(auth, "atomic@example.com");
    const owner = { id, email: "atomic@example.com" };
    await populate(db, owner);
    // Clears the notes but forgets the ledger: deleting the user then breaks ledger's foreign key.
    hook = (user, q) => [q.delete(notes).where(eq(notes.userId, user.id))];
    const error = await rejection(action(browser, () => auth.deleteAccount({ password: PASSWORD })));
    expect(String(error.cause ?? error)).toMatch(/FOREIGN KEY|violates foreign key constraint/);
    expect(await traces(db, owner)).toEqual(ALL_TRACES.filter((t) => t !== "verification_tokens.user_id"));
    expect(await browser.session()).not.toBeNull();
  });

  it("lets the hook refuse (FORBIDDEN) and deletes nothing", async () => {
    const { userId: id, browser } = await signedIn(auth, "keep@example.com");
    hook = () => false;
    const error = await rejection(action(browser, () => auth.deleteAccount({ password: PASSWORD })));
    expect(error).toMatchObject({ name: "ForbiddenError", code: "FORBIDDEN", status: 403 });
    expect(await db.select({ id: users.id }).from(users).where(eq(users.id, id))).toEqual([{ id }]);
    expect(await browser.session()).not.toBeNull();
  });

  it("requires a signed-in, fresh session", async () => {
    const { userId: id, browser } = await signedIn(auth, "old-session@example.com");
    hook = clearLedger;
    expect((await rejection(action(null, () => auth.deleteAccount({ password: PASSWORD })))).code).toBe("UNAUTHORIZED");
    await db
      .update(sessions)
      .set({ createdAt: new Date(Date.now() - 3_600_000) })
      .where(eq(sessions.userId, id));
    expect((await rejection(action(browser, () => auth.deleteAccount({ password: PASSWORD })))).code).toBe(
      "SESSION_STALE",
    );
    expect(await db.select({ id: users.id }).from(users).where(eq(users.id, id))).toEqual([{ id }]);
  });

  it("by confirmation link: asked from any session, confirmed by the owner only, refusals keep the link", async () => {
    const { userId: id, browser } = await signedIn(auth, "linked@example.com");
    const owner = { id, email: "linked@example.com" };
    await populate(db, owner);
    // An old session may ask: the link in the mailbox is the proof.
    await db
      .update(sessions)
      .set({ createdAt: new Date(Date.now() - 3_600_000) })
      .where(eq(sessions.userId, id));
    expect(await action(browser, () => auth.requestAccountDeletion())).toBeUndefined();
    const link = mail.link("linked@example.com");
    expect(`${link.origin}${link.pathname}`).toBe(`${ORIGIN}/confirm-account-deletion`);
    const token = link.searchParams.get("token") ?? "";

    const stranger = await signedIn(auth, "stranger@example.com");
    expect((await rejection(action(stranger.browser, () => auth.confirmAccountDeletion(token)))).code).toBe(
      "TOKEN_INVALID",
    );
    hook = () => false;
    expect((await rejection(action(null, () => auth.confirmAccountDeletion(token)))).code).toBe("FORBIDDEN");

    hook = clearLedger;
    expect(await action(null, () => auth.confirmAccountDeletion(token))).toEqual({ userId: id });
    expect(await traces(db, owner)).toEqual([]);
    expect(await browser.session()).toBeNull();
    expect((await rejection(action(null, () => auth.confirmAccountDeletion(token)))).code).toBe("TOKEN_INVALID");
  });
});
