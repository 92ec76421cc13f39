import { randomUUID } from "node:crypto";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import type { Client } from "@libsql/client";
import { type Auth, type AuthOptions, createAuth, verifyPassword } from "@tetrastack/backend/auth";
import type { Database } from "@tetrastack/backend/database";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { eq } from "drizzle-orm";
import NextAuth, { type NextAuthResult } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import { ORIGIN } from "./browser.js";
import {
  baAccount,
  baSession,
  baUser,
  baVerification,
  drizzleOn,
  plainAccounts,
  plainSessions,
  plainUsers,
  plainVerificationTokens,
  SECRET,
} from "./fixture.js";

/** Auth.js's logger, silent: a benchmark must not pay for printing. */
const quietLogger = { error: () => undefined, warn: () => undefined, debug: () => undefined };

/** Cheap scrypt (2^10) where a measurement is about everything but the hash. */
export const CHEAP_SCRYPT = { ln: 10, r: 8, p: 1 } as const;

/** This package, as an app's `auth.ts` creates it (defaults unless `options` says otherwise). */
export function tetrastack(db: Database, options: Partial<AuthOptions> = {}): Auth {
  return createAuth({
    db,
    secret: SECRET,
    trustHost: true,
    logger: quietLogger,
    ...options,
    // The simulated clients send their address in X-Forwarded-For, as behind one proxy.
    rateLimit: { clientIP: { forwardedHops: 1 }, ...options.rateLimit },
  });
}

/** The tables plain Auth.js is given: @auth/drizzle-adapter's default ones, of either dialect. */
export interface PlainTables {
  usersTable: unknown;
  accountsTable: unknown;
  sessionsTable: unknown;
  verificationTokensTable: unknown;
}

/**
 * Plain next-auth + @auth/drizzle-adapter with the database strategy. A credentials sign-in
 * cannot create its session (by design upstream), so sessions are what an OAuth sign-in leaves:
 * a row with a random UUID token, created through the adapter.
 */
export function plainDatabase(client: Client): {
  auth: NextAuthResult;
  createSession: (userId: string) => Promise<string>;
} {
  return plainDatabaseOn(drizzleOn(client), {
    usersTable: plainUsers,
    accountsTable: plainAccounts,
    sessionsTable: plainSessions,
    verificationTokensTable: plainVerificationTokens,
  });
}

/** {@link plainDatabase} on any Drizzle database the adapter supports (SQLite or PostgreSQL tables). */
export function plainDatabaseOn(
  db: unknown,
  tables: PlainTables,
): {
  auth: NextAuthResult;
  createSession: (userId: string) => Promise<string>;
} {
  const adapter = DrizzleAdapter(db as never, tables as never);
  const auth = NextAuth({
    secret: SECRET,
    trustHost: true,
    logger: quietLogger,
    adapter,
    providers: [GitHub({ clientId: "bench", clientSecret: "bench" })],
    session: { strategy: "database" },
  });
  return {
    auth,
    async createSession(userId) {
      const sessionToken = randomUUID();
      await adapter.createSession?.({ sessionToken, userId, expires: new Date(Date.now() + 30 * 86_400_000) });
      return sessionToken;
    },
  };
}

/**
 * Plain next-auth with the JWT strategy and a credentials provider that does what Auth.js's
 * docs show: look the user up, verify the password (with this package's scrypt, so both sides
 * hash exactly the same), return the user. No rate limit, no lockout, no session row.
 */
export function plainJWT(client: Client): NextAuthResult {
  const db = drizzleOn(client);
  return plainJWTWith(
    async (email) => (await db.select().from(plainUsers).where(eq(plainUsers.email, email)).get()) ?? null,
  );
}

/** {@link plainJWT} over any way of finding the user row (with its password column) by email. */
export function plainJWTWith(
  findUser: (
    email: string,
  ) => Promise<{ id: string; name: string | null; email: string | null; password: string | null } | null>,
): NextAuthResult {
  return NextAuth({
    secret: SECRET,
    trustHost: true,
    logger: quietLogger,
    session: { strategy: "jwt" },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(credentials) {
          const email = String(credentials?.email ?? "");
          const password = String(credentials?.password ?? "");
          const row = await findUser(email);
          if (!row?.password || !(await verifyPassword(password, row.password))) return null;
          return { id: row.id, name: row.name, email: row.email };
        },
      }),
    ],
  });
}

/** better-auth on the same file through its Drizzle adapter, with or without its cookie cache. */
export function betterAuthOn(client: Client, options: { cookieCache: boolean }) {
  const db = drizzleOn(client);
  return betterAuth({
    baseURL: ORIGIN,
    secret: SECRET,
    telemetry: { enabled: false },
    logger: { disabled: true },
    database: drizzleAdapter(db, {
      provider: "sqlite",
      schema: { user: baUser, session: baSession, account: baAccount, verification: baVerification },
    }),
    emailAndPassword: { enabled: true },
    session: options.cookieCache ? { cookieCache: { enabled: true, maxAge: 5 * 60 } } : {},
  });
}

export type BetterAuth = ReturnType<typeof betterAuthOn>;
