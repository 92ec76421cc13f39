import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialsAccountOf } from "../src/auth/password/credentials-row.js";
import type { Database } from "../src/database/index.js";
import { accounts, users } from "./engines/tables.js";
import { createTestDatabase } from "./helpers.js";

// Sign-in must stay an indexed lookup however many users there are (bench/RESULTS.md, growth):
// these tests read SQLite's plan for the queries on the sign-in path.
describe("query plans on the sign-in path", () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ db, cleanup } = await createTestDatabase());
  });
  afterAll(() => cleanup());

  async function plan(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<string> {
    const { sql: text, params } = query.toSQL();
    const result = await db.$client.execute({ sql: `EXPLAIN QUERY PLAN ${text}`, args: params as never[] });
    return result.rows.map((row) => String(row.detail)).join(" | ");
  }

  const lookup = (condition: ReturnType<typeof credentialsAccountOf>) =>
    db
      .select({ id: users.id, passwordHash: accounts.passwordHash })
      .from(users)
      .innerJoin(accounts, condition)
      .where(eq(users.email, "ann@example.com"))
      .limit(1);

  it("finds the user by email, then the credentials row by user id", async () => {
    const detail = await plan(lookup(credentialsAccountOf(accounts, users.id)));
    expect(detail).toMatch(/SEARCH users USING INDEX users_email_idx/);
    expect(detail).toMatch(/SEARCH accounts USING INDEX accounts_user_id_idx/);
    expect(detail).not.toMatch(/accounts_provider_account_unique/);
  });

  it("would otherwise walk every password user through the provider index (the regression guarded)", async () => {
    const naive = and(eq(accounts.userId, users.id), eq(accounts.provider, "credentials"));
    expect(await plan(lookup(naive as never))).toMatch(/accounts_provider_account_unique \(provider=\?\)/);
  });

  it("changes and deletes a user's credentials row through user_id", async () => {
    const detail = await plan(db.delete(accounts).where(credentialsAccountOf(accounts, "some-user-id")));
    expect(detail).toMatch(/accounts_user_id_idx/);
  });
});
