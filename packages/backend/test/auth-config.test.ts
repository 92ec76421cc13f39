import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type AuthConfigOptions,
  ConfigError,
  createAuth,
  createAuthConfig,
  hasSessionCookie,
  sessionCookieName,
} from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { Browser, createTestAuth, PASSWORD, recordingLogger, register, TEST_SECRET } from "./auth-helpers.js";
import { createTestDatabase } from "./helpers.js";

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("createAuth option validation", () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ db, cleanup } = await createTestDatabase());
  });
  afterAll(() => cleanup());
  afterEach(() => vi.unstubAllEnvs());

  it("throws one ConfigError that names every problem", () => {
    vi.stubEnv("AUTH_SECRET", "");
    vi.stubEnv("AUTH_URL", "not a url");
    const error = configError(() =>
      createAuth({
        db: "file:local.db" as never,
        session: { maxAge: 3600, updateAge: 7200 },
        pages: { signIn: "login" },
        password: { minLength: 4, maxLength: 100_000 },
        rateLimit: { signIn: { window: 0 } },
        lockout: { baseSeconds: 600, maxSeconds: 60 },
        providers: [{ id: "acme", name: "Acme", type: "oauth", allowDangerousEmailAccountLinking: true } as never],
      }),
    );
    expect(error.code).toBe("CONFIG_INVALID");
    const paths = error.issues.map((issue) => issue.path).sort();
    expect(paths).toEqual(
      [
        "authURL",
        "db",
        "lockout.baseSeconds",
        "pages.signIn",
        "password.maxLength",
        "password.minLength",
        "providers.0",
        "rateLimit.signIn.window",
        "secret",
        "session.updateAge",
      ].sort(),
    );
    expect(error.message).toMatch(/^createAuth: invalid options: /);
    expect(error.message).toContain("AUTH_SECRET");
    expect(error.message).toContain("AUTH_URL must be an absolute http(s) URL");
    expect(error.message).toContain("updateAge must be shorter than maxAge");
  });

  it("reports misspelt or unsupported options instead of ignoring them", () => {
    const error = configError(() =>
      createAuth({ db, secret: TEST_SECRET, sesion: { maxAge: 60 }, adapter: {}, lockout: { treshold: 3 } } as never),
    );
    expect(error.issues).toEqual([
      { path: "lockout", message: expect.stringContaining('"treshold"') },
      { path: "", message: expect.stringMatching(/"sesion".*"adapter"|"adapter".*"sesion"/) },
    ]);
  });

  it("requires a 32-character secret and OWASP-strength hashing in production", () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("AUTH_SECRET", "");
    expect(configError(() => createAuth({ db })).issues).toEqual([
      { path: "secret", message: expect.stringContaining("set AUTH_SECRET") },
    ]);
    vi.stubEnv("AUTH_SECRET", "short-secret");
    const weak = configError(() => createAuth({ db, password: { scrypt: { ln: 14 } } }));
    expect(weak.issues.map((issue) => issue.path).sort()).toEqual(["password.scrypt", "secret"]);
    vi.stubEnv("AUTH_SECRET", TEST_SECRET);
    vi.stubEnv("AUTH_URL", "https://app.example.com");
    const sendEmail = async (): Promise<void> => undefined;
    // OWASP's equivalent settings pass; so do the defaults.
    expect(createAuth({ db, sendEmail, password: { scrypt: { ln: 15, p: 3 } } }).handlers).toBeDefined();
    expect(createAuth({ db, sendEmail }).handlers).toBeDefined();
  });

  /** @see /tmp/issues/16.md (item 3: `npx auth secret` now prints BETTER_AUTH_SECRET) */
  it("names AUTH_SECRET and a command that prints one when the secret is missing or short", () => {
    vi.stubEnv("AUTH_SECRET", "");
    vi.stubEnv("NEXTAUTH_SECRET", "");
    vi.stubEnv("BETTER_AUTH_SECRET", "");
    const [missing] = configError(() => createAuth({ db })).issues;
    expect(missing?.message).toBe(
      "is missing: set AUTH_SECRET to at least 32 random characters (`openssl rand -base64 33` prints one) or pass `secret`",
    );
    // What `npx auth secret` (Better Auth's CLI) leaves behind: said explicitly.
    vi.stubEnv("BETTER_AUTH_SECRET", TEST_SECRET);
    const [better] = configError(() => createAuth({ db })).issues;
    expect(better?.message).toMatch(
      /^is missing: BETTER_AUTH_SECRET is set, but Auth.js reads AUTH_SECRET, which is not: /,
    );
    expect(better?.message).toContain("`openssl rand -base64 33`");
    expect(better?.message).not.toContain(TEST_SECRET);
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("AUTH_SECRET", "short-secret");
    const [short] = configError(() => createAuth({ db, sendEmail: false })).issues;
    expect(short).toEqual({
      path: "secret",
      message:
        "must be at least 32 characters in production: set AUTH_SECRET to a new random value (`openssl rand -base64 33` prints one)",
    });
    expect(JSON.stringify(short)).not.toContain("short-secret");
    for (const issue of [missing, better, short]) expect(issue?.message).not.toContain("npx auth secret");
  });

  it("refuses to start in production without a way to send account mail", () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("AUTH_SECRET", TEST_SECRET);
    expect(configError(() => createAuth({ db })).issues).toEqual([
      { path: "sendEmail", message: expect.stringContaining("pass a sendEmail function") },
    ]);
    // An app without account mails says so explicitly; options that need mail are then refused.
    expect(createAuth({ db, sendEmail: false }).handlers).toBeDefined();
    expect(
      configError(() => createAuth({ db, sendEmail: false, emailVerification: { required: true } })).issues,
    ).toEqual([
      { path: "emailVerification.required", message: "needs mail, but sendEmail is false" },
      { path: "emailVerification.sendOnSignUp", message: "needs mail, but sendEmail is false" },
    ]);
  });

  it("does not fail `next build`, which runs without runtime secrets", () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("NEXT_PHASE", "phase-production-build");
    vi.stubEnv("AUTH_SECRET", "");
    expect(createAuth({ db }).auth).toBeTypeOf("function");
  });

  it("reads AUTH_SECRET from the environment", () => {
    vi.stubEnv("AUTH_SECRET", TEST_SECRET);
    expect(createAuth({ db }).getSession).toBeTypeOf("function");
  });
});

describe("createAuthConfig (edge-safe, for proxy.ts)", () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ db, cleanup } = await createTestDatabase());
  });
  afterAll(() => cleanup());

  // Quiet: the malformed-cookie case makes Auth.js log a JWTSessionError, as it should.
  const shared: AuthConfigOptions = { secret: TEST_SECRET, trustHost: true, logger: recordingLogger().logger };

  /** Runs the config as proxy.ts would: `NextAuth(config).auth(handler)`. */
  async function proxy(options: AuthConfigOptions, cookie?: string) {
    const { auth } = NextAuth(createAuthConfig(options));
    let seen: unknown = "not called";
    const handler = auth((request) => {
      seen = request.auth;
    }) as unknown as (request: NextRequest, context: unknown) => Promise<Response>;
    const headers = new Headers({ host: "localhost:3000", "x-forwarded-proto": "http" });
    if (cookie) headers.set("cookie", cookie);
    const response = await handler(new NextRequest("http://localhost:3000/dashboard", { headers }), {});
    return { seen, setCookies: response.headers.getSetCookie() };
  }

  it("validates its options with the same rules", () => {
    vi.stubEnv("AUTH_SECRET", "");
    const error = configError(() => createAuthConfig({ session: { maxAge: -1 }, basePath: "api/auth" }));
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      "basePath",
      "secret",
      "session.maxAge",
      "session.updateAge", // the default (1 day) is not shorter than -1 s either
    ]);
    vi.unstubAllEnvs();
  });

  it("database strategy: sees that a session cookie is present, keeps it, and never clears it", async () => {
    const { auth } = await createTestAuth({ ...shared }, { db });
    await register(auth, "proxy@example.com");
    const browser = new Browser(auth);
    await browser.signIn("proxy@example.com", PASSWORD);
    const token = browser.sessionToken ?? "";

    const withCookie = await proxy(shared, `authjs.session-token=${token}`);
    expect(withCookie.seen).toMatchObject({ expires: expect.any(String) });
    expect((withCookie.seen as { user?: unknown }).user).toBeUndefined();
    // The cookie comes back unchanged (lifetime extended), so the real session still resolves.
    const resent = withCookie.setCookies.find((c) => c.startsWith("authjs.session-token="));
    expect(resent).toContain(`authjs.session-token=${token};`);
    expect(await browser.session()).toMatchObject({ user: { email: "proxy@example.com" } });

    expect((await proxy(shared)).seen).toBeNull();
    // A cookie that cannot be a session token is not a session.
    expect((await proxy(shared, "authjs.session-token=eyJhbGciOi.not-ours")).seen).toBeNull();
  });

  it("JWT strategy: reads the session createAuth wrote, with the same callbacks", async () => {
    const options = { ...shared, session: { strategy: "jwt" as const } };
    const { auth } = await createTestAuth(options, { db });
    const userId = await register(auth, "jwt-proxy@example.com");
    const browser = new Browser(auth);
    await browser.signIn("jwt-proxy@example.com", PASSWORD);
    const token = browser.sessionToken ?? "";
    expect(token.split(".")).toHaveLength(5); // a JWE, not a database token
    const { seen } = await proxy(options, `authjs.session-token=${token}`);
    expect(seen).toMatchObject({ user: { id: userId, email: "jwt-proxy@example.com" } });
    // Same payload as the full instance's /session, except the freshly computed JWT expiry.
    const { expires: _a, ...fromProxy } = seen as Record<string, unknown>;
    const { expires: _b, ...fromRoute } = (await browser.session()) ?? {};
    expect(fromProxy).toEqual(fromRoute);
  });

  it("hasSessionCookie checks the right cookie name for the protocol and the options", () => {
    const request = (url: string, cookie?: string) => new Request(url, { headers: cookie ? { cookie } : {} });
    expect(hasSessionCookie(request("http://localhost:3000/", "authjs.session-token=abc"))).toBe(true);
    expect(hasSessionCookie(request("http://localhost:3000/", "other=1"))).toBe(false);
    expect(hasSessionCookie(request("https://app.example.com/", "authjs.session-token=abc"))).toBe(false);
    expect(hasSessionCookie(request("https://app.example.com/", "__Secure-authjs.session-token=abc"))).toBe(true);
    const custom = { cookies: { sessionToken: { name: "sid" } } };
    expect(hasSessionCookie(request("https://app.example.com/", "sid=abc"), custom)).toBe(true);
    expect(sessionCookieName(true)).toBe("__Secure-authjs.session-token");
    expect(sessionCookieName(true, { useSecureCookies: false })).toBe("authjs.session-token");
  });
});

describe("module boundaries", () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  async function externalImports(entry: string): Promise<string[]> {
    const result = await build({
      entryPoints: [`${root}/${entry}`],
      bundle: true,
      write: false,
      format: "esm",
      platform: "neutral",
      packages: "external",
      metafile: true,
      logLevel: "silent",
    });
    const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports);
    return [...new Set(imports.filter((i) => i.external).map((i) => i.path))].sort();
  }

  it("createAuthConfig's module imports no database, adapter or Node built-in", async () => {
    // (next-auth itself is imported for types only.)
    expect(await externalImports("src/auth/authjs/edge-config.ts")).toEqual(["next-auth/providers/credentials", "zod"]);
  });

  it("/auth imports neither @aws-sdk nor @libsql/client (the database is injected)", async () => {
    const imports = await externalImports("src/auth/index.ts");
    expect(imports.filter((path) => path.startsWith("@aws-sdk") || path.startsWith("@libsql"))).toEqual([]);
    expect(imports).toEqual(expect.arrayContaining(["next-auth", "@auth/drizzle-adapter", "drizzle-orm"]));
  });
});
