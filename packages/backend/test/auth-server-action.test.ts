// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ActionError, type Auth, hashSessionToken, isTetrastackError, toActionError } from "../src/auth/index.js";
import { createTestAuth, PASSWORD } from "./auth-helpers.js";
import { inRequest, requestScope, type ScopeCookie } from "./auth-next-request.js";
import { sessions } from "./engines/tables.js";

// The README's server actions (login, sign-up), verbatim apart from the imports, run against the
// real next-auth `signIn`/`signOut` and this package's helpers. Only Next's request scope is
// simulated (see auth-next-request.ts).
function actions(auth: Auth) {
  const { registerUser, signIn } = auth;
  type LoginState = { error?: ActionError; email?: string };
  async function login(_state: LoginState | undefined, formData: FormData): Promise<LoginState> {
    try {
      await signIn("credentials", formData); // email, password, and an optional redirectTo field
      return {};
    } catch (error) {
      // INVALID_CREDENTIALS | ACCOUNT_LOCKED | EMAIL_NOT_VERIFIED | RATE_LIMITED (retryAfter) | UNTRUSTED_HOST…
      return { ...toActionError(error), email: String(formData.get("email") ?? "") };
    }
  }
  type SignUpState = { error?: ActionError; name?: string; email?: string };
  async function signUp(_state: SignUpState | undefined, formData: FormData): Promise<SignUpState> {
    try {
      await registerUser(formData); // { email, password, name? }: validated, email trimmed + lower-cased
      formData.set("redirectTo", "/dashboard");
      await signIn("credentials", formData); // signs the new user in and redirects
      return {};
    } catch (error) {
      // VALIDATION_FAILED (error.issues: { path, message } per field), CONFLICT, RATE_LIMITED…
      return {
        ...toActionError(error),
        name: String(formData.get("name") ?? ""),
        email: String(formData.get("email") ?? ""),
      };
    }
  }
  return { login, registerAction: signUp };
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

function redirectTarget(error: unknown): string | null {
  const digest = (error as { digest?: unknown })?.digest;
  return typeof digest === "string" && digest.startsWith("NEXT_REDIRECT") ? (digest.split(";")[2] ?? null) : null;
}

describe("server actions and server helpers", () => {
  let auth: Auth;
  let db: Awaited<ReturnType<typeof createTestAuth>>["db"];
  let cleanup: () => void;
  const jar = new Map<string, ScopeCookie>();
  const token = (): string | undefined => jar.get("authjs.session-token")?.value;

  beforeAll(async () => {
    ({ auth, db, cleanup } = await createTestAuth({
      lockout: { threshold: 3, baseSeconds: 60 },
      rateLimit: { register: { perIP: 2 } },
    }));
  });
  afterAll(() => cleanup());

  it("registerUser from an action, then signIn: redirects and sets the session cookie", async () => {
    const { registerAction } = actions(auth);
    const data = form({ email: " Dana@Example.com ", password: PASSWORD, name: "Dana", redirectTo: "/dashboard" });
    const thrown = await inRequest(requestScope(jar), () => registerAction(undefined, data)).catch((e: unknown) => e);
    expect(redirectTarget(thrown)).toBe("http://localhost:3000/dashboard");
    expect(token()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await db.select().from(sessions);
    expect(row?.ipAddress).toBe("198.51.100.23");
    expect(row?.userAgent).toBe("next-server-action/1.0");
  });

  it("getSession() in a Server Component returns exactly what auth() returns", async () => {
    const scope = { ...requestScope(jar), readOnly: true };
    const [fast, slow] = await inRequest(scope, () => Promise.all([auth.getSession(), auth.auth()]));
    expect(fast).not.toBeNull();
    expect(fast).toEqual(slow);
    expect(fast?.user.email).toBe("dana@example.com");
  });

  it("login maps a wrong password to INVALID_CREDENTIALS and lets a redirect through", async () => {
    const { login } = actions(auth);
    const other = new Map<string, ScopeCookie>();
    const result = await inRequest(requestScope(other, "198.51.100.99"), () =>
      login(undefined, form({ email: "dana@example.com", password: "wrong password!" })),
    );
    expect(result).toEqual({
      error: { code: "INVALID_CREDENTIALS", message: "Invalid email or password." },
      email: "dana@example.com",
    });
    expect(other.has("authjs.session-token")).toBe(false);
  });

  it("login reports ACCOUNT_LOCKED with retryAfter after repeated failures", async () => {
    const { login } = actions(auth);
    const attempt = () =>
      inRequest(requestScope(new Map()), () =>
        login(undefined, form({ email: "locked@example.com", password: "nope nope" })),
      );
    for (let i = 0; i < 3; i++) expect((await attempt()).error?.code).toBe("INVALID_CREDENTIALS");
    const locked = await attempt();
    expect(locked.error?.code).toBe("ACCOUNT_LOCKED");
    expect(locked.error?.message).toBe("Too many failed sign-ins for this account; try again later.");
    expect(locked.error?.retryAfter).toBeGreaterThan(50);
  });

  it("registerUser reads the client address from the request for its per-IP limit", async () => {
    const { registerAction } = actions(auth);
    const scope = () => requestScope(new Map(), "192.0.2.50");
    const data = (email: string) => form({ email, password: "x" });
    // Validation runs before the limiter: malformed input does not spend the address's budget.
    const invalid = await inRequest(scope(), () => registerAction(undefined, data("a@example.com")));
    expect(invalid.error?.code).toBe("VALIDATION_FAILED");
    expect(invalid.error?.issues?.map((issue) => issue.path)).toEqual(["password"]);
    expect(invalid.email).toBe("a@example.com");
    const ok = form({ email: "one@example.com", password: PASSWORD });
    const two = form({ email: "two@example.com", password: PASSWORD });
    const three = form({ email: "three@example.com", password: PASSWORD });
    await inRequest(scope(), () => registerAction(undefined, ok)).catch((e: unknown) => e);
    await inRequest(scope(), () => registerAction(undefined, two)).catch((e: unknown) => e);
    const limited = await inRequest(scope(), () => registerAction(undefined, three));
    expect(limited.error?.code).toBe("RATE_LIMITED");
    expect(limited.error?.retryAfter).toBeGreaterThan(0);
  });

  it("requireUser throws UnauthorizedError, or redirects when asked", async () => {
    const anonymous = requestScope(new Map());
    const thrown = await inRequest(anonymous, () => auth.requireUser()).catch((e: unknown) => e);
    expect(isTetrastackError(thrown, "UNAUTHORIZED")).toBe(true);
    const redirected = await inRequest(anonymous, () => auth.requireUser({ redirectTo: "/login" })).catch(
      (e: unknown) => e,
    );
    expect(redirectTarget(redirected)).toBe("/login");
    const user = await inRequest(requestScope(jar), () => auth.requireUser());
    expect(user.user.email).toBe("dana@example.com");
  });

  it("requireUser redirects by default when redirectUnauthenticatedTo is configured", async () => {
    const { auth: redirecting, cleanup: done } = await createTestAuth({ redirectUnauthenticatedTo: "/login" }, { db });
    try {
      const thrown = await inRequest(requestScope(new Map()), () => redirecting.requireUser()).catch((e: unknown) => e);
      expect(redirectTarget(thrown)).toBe("/login");
    } finally {
      done();
    }
  });

  it("requireFreshSession accepts a recent sign-in and refuses an old one", async () => {
    const fresh = await inRequest(requestScope(jar), () => auth.requireFreshSession(300));
    expect(fresh.user.email).toBe("dana@example.com");
    await db.update(sessions).set({ createdAt: new Date(Date.now() - 3_600_000) });
    const stale = await inRequest(requestScope(jar), () => auth.requireFreshSession(300)).catch((e: unknown) => e);
    expect(isTetrastackError(stale, "SESSION_STALE")).toBe(true);
    const redirected = await inRequest(requestScope(jar), () =>
      auth.requireFreshSession(300, { redirectTo: "/login?reauth=1" }),
    ).catch((e: unknown) => e);
    expect(redirectTarget(redirected)).toBe("/login?reauth=1");
  });

  it("getSession() slides the session and its cookie in an action, and only the row in a Server Component", async () => {
    const day = 86_400_000;
    const due = new Date(Date.now() + 6 * day - 60_000);
    await db.update(sessions).set({ expires: due });
    const rsc = await inRequest({ ...requestScope(jar), readOnly: true }, () => auth.getSession());
    expect(rsc?.expires).toBe(due.toISOString());
    const [afterRsc] = await db
      .select()
      .from(sessions)
      .where(eq(sessions.sessionToken, hashSessionToken(token() ?? "")));
    expect(afterRsc?.expires.getTime()).toBeGreaterThan(Date.now() + 7 * day - 5_000);

    await db.update(sessions).set({ expires: due });
    await inRequest(requestScope(jar), () => auth.getSession());
    const cookieExpires = jar.get("authjs.session-token")?.options.expires as Date | undefined;
    expect(cookieExpires?.getTime()).toBeGreaterThan(Date.now() + 7 * day - 5_000);
  });

  it("signOut() in an action deletes the session row and the cookie", async () => {
    const session = await inRequest(requestScope(jar), () => auth.getSession());
    const userId = session?.user.id ?? "";
    expect(await auth.listSessions(userId)).toHaveLength(1);
    const thrown = await inRequest(requestScope(jar), () => auth.signOut({ redirectTo: "/" })).catch((e: unknown) => e);
    expect(redirectTarget(thrown)).toBe("http://localhost:3000/");
    expect(token()).toBeUndefined();
    const [{ n } = { n: -1 }] = await db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId));
    expect(n).toBe(0);
    expect(await inRequest(requestScope(jar), () => auth.getSession())).toBeNull();
  });
});
