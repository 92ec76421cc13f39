import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { type Auth, type AuthOptions, createAccessControl } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import type { Browser } from "./auth-helpers.js";
import { auditEvents, users } from "./engines/tables.js";
import { action, createLifecycleAuth, signedIn } from "./lifecycle-helpers.js";

/** The access control of these tests: an app statement, the built-in roles extended, a role of the app's own. */
export const access = createAccessControl({
  statements: { project: ["create", "delete"] },
  roles: {
    member: { project: ["create"] },
    admin: { project: ["create", "delete"] },
    viewer: {},
  },
});

export type OrgAuth = Auth<typeof access>;

/** `createAuth` with organizations on (this file's access control), over a fresh database of the run's engine. */
export async function createOrganizationsAuth(options: Partial<AuthOptions> = {}) {
  const t = await createLifecycleAuth({
    ...options,
    organizations: { access, ...(options.organizations as object) } as AuthOptions["organizations"],
  });
  return { ...t, auth: t.auth as unknown as OrgAuth };
}

/**
 * A registered, signed-in user whose address is verified: set in the database directly, as
 * the setup of tests that are not about verification (test/organizations.test.ts verifies one
 * through the real link).
 */
export async function verifiedUser(
  auth: OrgAuth,
  db: Database,
  email: string,
): Promise<{ userId: string; browser: Browser }> {
  const user = await signedIn(auth as unknown as Auth, email);
  await db.update(users).set({ emailVerified: new Date() }).where(eq(users.id, user.userId));
  return user;
}

/** Runs a method of `auth` as a Server Action of `browser`. */
export function as<T>(browser: Browser | null, fn: () => Promise<T>): Promise<T> {
  return action(browser, fn);
}

/** The audit events of an organization, oldest first, as actions. */
export async function orgActions(db: Database, organizationId: string): Promise<string[]> {
  const rows = await db
    .select({ action: auditEvents.action, createdAt: auditEvents.createdAt, id: auditEvents.id })
    .from(auditEvents)
    .where(eq(auditEvents.organizationId, organizationId));
  return rows
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
    .map((row) => row.action);
}

/** Asserts what settled promises did: how many fulfilled, and the codes of the rejections. */
export function outcomes(settled: PromiseSettledResult<unknown>[]): { fulfilled: number; codes: string[] } {
  const codes = settled
    .filter((o): o is PromiseRejectedResult => o.status === "rejected")
    .map((o) => String((o.reason as { code?: unknown }).code ?? o.reason));
  const result = { fulfilled: settled.length - codes.length, codes: codes.sort() };
  expect(result.fulfilled + result.codes.length).toBe(settled.length);
  return result;
}
