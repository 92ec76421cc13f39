import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../src/database/index.js";
import { createTestDatabase } from "./helpers.js";

describe("smoke", () => {
  it("migrates and inserts", async () => {
    const t = await createTestDatabase();
    const [u] = await t.db.insert(users).values({ email: "a@b.c" }).returning();
    expect(u?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await t.db.select().from(users).where(eq(users.email, "a@b.c"))).toHaveLength(1);
    t.cleanup();
  });
});
