import type { Client } from "@libsql/client";
import { uuidv7 } from "@tetrastack/backend/utils";

/** The password every seeded user has. */
export const PASSWORD = "correct horse battery staple";

/**
 * Users with a credentials account, written as `registerUser` writes them (lower-cased email,
 * `accounts` row with provider "credentials"), with one precomputed hash for all: seeding must not
 * spend minutes in scrypt. Multi-row INSERTs in one transaction.
 */
export async function seedPackageUsers(
  client: Client,
  emails: readonly string[],
  passwordHash: string,
): Promise<string[]> {
  const now = Date.now();
  const ids = emails.map(() => uuidv7());
  const statements = [];
  for (let start = 0; start < emails.length; start += 200) {
    const slice = emails.slice(start, start + 200);
    const userArgs: (string | number)[] = [];
    const accountArgs: (string | number)[] = [];
    slice.forEach((email, offset) => {
      const id = ids[start + offset] as string;
      userArgs.push(id, "Bench User", email, now, now);
      accountArgs.push(uuidv7(), id, "credentials", "credentials", id, passwordHash, now, now);
    });
    statements.push({
      sql: `INSERT INTO users (id, name, email, created_at, updated_at) VALUES ${slice.map(() => "(?, ?, ?, ?, ?)").join(", ")}`,
      args: userArgs,
    });
    statements.push({
      sql: `INSERT INTO accounts (id, user_id, type, provider, provider_account_id, password_hash, created_at, updated_at) VALUES ${slice.map(() => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
      args: accountArgs,
    });
  }
  await client.batch(statements, "write");
  return ids;
}

/** Plain Auth.js users (its `user` table plus the password column), same emails and hash. */
export async function seedPlainUsers(client: Client, emails: readonly string[], passwordHash: string): Promise<void> {
  const statements = [];
  for (let start = 0; start < emails.length; start += 200) {
    const slice = emails.slice(start, start + 200);
    statements.push({
      sql: `INSERT INTO "user" (id, name, email, password) VALUES ${slice.map(() => "(?, ?, ?, ?)").join(", ")}`,
      args: slice.flatMap((email) => [crypto.randomUUID(), "Bench User", email, passwordHash]),
    });
  }
  await client.batch(statements, "write");
}

/** `count` distinct emails under a prefix. */
export function emails(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${index}@bench.test`);
}

/** Round-robin over a list. */
export function cycle<T>(items: readonly T[]): () => T {
  let next = 0;
  return () => items[next++ % items.length] as T;
}
