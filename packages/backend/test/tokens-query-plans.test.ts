import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyByHashQuery } from "../src/auth/api-keys/store.js";
import { refreshTokenByHashQuery } from "../src/auth/tokens/refresh-store.js";
import type { Database } from "../src/database/index.js";
import { apiKeys, refreshTokens, sessions } from "./engines/tables.js";
import { createTestDatabase } from "./helpers.js";

// verifyAPIKey() and a refresh must stay one indexed point lookup however many keys and tokens
// there are (issue 14: "in one indexed query"): these tests read SQLite's plan for the very
// queries the stores prepare.
describe("query plans of the token lookups", () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ db, cleanup } = await createTestDatabase());
  });
  afterAll(() => cleanup());

  async function plan(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<string> {
    const { sql: text, params } = query.toSQL();
    const args = params.map((param) => (typeof param === "object" && param !== null ? "hash" : param));
    const result = await db.$client.execute({ sql: `EXPLAIN QUERY PLAN ${text}`, args: args as never[] });
    return result.rows.map((row) => String(row.detail)).join(" | ");
  }

  it("verifyAPIKey: a search of the unique key_hash index, nothing scanned", async () => {
    const detail = await plan(apiKeyByHashQuery(db as never, apiKeys));
    expect(detail).toMatch(/SEARCH api_keys USING INDEX api_keys_key_hash_unique \(key_hash=\?\)/);
    expect(detail).not.toMatch(/SCAN/);
  });

  it("a refresh: the unique token_hash index, then the session by its unique id", async () => {
    const detail = await plan(refreshTokenByHashQuery(db as never, { refreshTokens, sessions }));
    expect(detail).toMatch(/SEARCH refresh_tokens USING INDEX refresh_tokens_token_hash_unique \(token_hash=\?\)/);
    expect(detail).toMatch(/SEARCH sessions USING INDEX sessions_id_unique \(id=\?\)/);
    expect(detail).not.toMatch(/SCAN/);
  });
});
