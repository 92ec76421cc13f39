// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type Auth, isTetrastackError, toActionError } from "../src/auth/index.js";
import { Browser, createTestAuth, PASSWORD, register } from "./auth-helpers.js";
import { inRequest, requestScope } from "./auth-next-request.js";

/**
 * `next start` without AUTH_URL or AUTH_TRUST_HOST: Auth.js distrusts the Host header and refuses
 * every request, which used to leave a browser on Auth.js's raw JSON "There was a problem with
 * the server configuration" after signing up or in. The entry points now say what to set.
 * @see /tmp/issues/16.md (item 3)
 */

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

const names = (text: string): boolean => text.includes("AUTH_TRUST_HOST") && text.includes("AUTH_URL");

describe("an untrusted host (production without AUTH_URL or AUTH_TRUST_HOST)", () => {
  let auth: Auth;
  let withoutErrorPage: Auth;
  let errors: Error[];
  let cleanup: () => void;

  beforeAll(async () => {
    // Auth.js decides at creation, from the environment, exactly as under `next start`.
    vi.stubEnv("NODE_ENV", "production");
    for (const name of ["AUTH_URL", "NEXTAUTH_URL", "AUTH_TRUST_HOST", "VERCEL", "CF_PAGES", "NEXT_PHASE"]) {
      vi.stubEnv(name, undefined);
    }
    const created = await createTestAuth({
      trustHost: undefined,
      pages: { error: "/auth-error" },
      sendEmail: false,
      // Production refuses the tests' cheap scrypt; nothing here gets as far as hashing.
      password: { scrypt: { ln: 17, r: 8, p: 1 } },
      rateLimit: { clientIP: "direct" },
    });
    ({ auth, errors, cleanup } = created);
    ({ auth: withoutErrorPage } = await createTestAuth(
      {
        trustHost: undefined,
        sendEmail: false,
        password: { scrypt: { ln: 17, r: 8, p: 1 } },
        rateLimit: { clientIP: "direct" },
      },
      { db: created.db },
    ));
    vi.unstubAllEnvs();
  });
  afterAll(() => cleanup());
  afterEach(() => vi.unstubAllEnvs());

  it("sends a browser posting the sign-in form to pages.error with ?error=UNTRUSTED_HOST, and logs the fix once", async () => {
    const browser = new Browser(auth);
    const response = await browser.request("POST", "/api/auth/callback/credentials", {
      email: "ada@example.com",
      password: PASSWORD,
    });
    expect(response.status).toBe(303);
    // Relative: the Host header is what is not trusted.
    expect(response.headers.get("location")).toBe("/auth-error?error=UNTRUSTED_HOST");
    const again = await browser.request("GET", "/api/auth/signin");
    expect(again.headers.get("location")).toBe("/auth-error?error=UNTRUSTED_HOST");
    const logged = errors.filter((error) => names(error.message));
    expect(logged).toHaveLength(1);
    expect(logged[0]?.message).toContain("[@tetrastack/backend/auth]");
    // Auth.js never ran, so it logged nothing of its own.
    expect(errors.filter((error) => /UntrustedHost/.test(String((error as { type?: string }).type)))).toEqual([]);
  });

  it("answers next-auth/react's fetches: { url } for a sign-in, { error } JSON for the session", async () => {
    const browser = new Browser(auth);
    const request = browser.makeRequest("POST", "/api/auth/signin/credentials", { csrfToken: "x" });
    request.headers.set("x-auth-return-redirect", "1");
    const signIn = await auth.handlers.POST(request as never);
    expect(await signIn.json()).toEqual({ url: "/auth-error?error=UNTRUSTED_HOST" });
    const session = await browser.request("GET", "/api/auth/session");
    expect(session.status).toBe(500);
    const body = (await session.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("UNTRUSTED_HOST");
    expect(names(body.error.message)).toBe(true);
  });

  it("without pages.error, shows a page that names AUTH_URL and AUTH_TRUST_HOST instead of a JSON error", async () => {
    const browser = new Browser(withoutErrorPage);
    const posted = await browser.request("POST", "/api/auth/callback/credentials", {
      email: "ada@example.com",
      password: PASSWORD,
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe("/api/auth/error?error=UNTRUSTED_HOST");
    const page = await browser.request("GET", "/api/auth/error?error=UNTRUSTED_HOST");
    expect(page.status).toBe(500);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(names(html)).toBe(true);
    expect(html).toContain("UNTRUSTED_HOST");
    expect(html).not.toContain("There was a problem with the server configuration");
  });

  it("makes signIn() and signOut() in a Server Action throw UntrustedHostError, which toActionError returns as data", async () => {
    await register(auth, "grace@example.com");
    const thrown = await inRequest(requestScope(), () =>
      auth.signIn("credentials", form({ email: "grace@example.com", password: PASSWORD })),
    ).catch((error: unknown) => error);
    expect(isTetrastackError(thrown, "UNTRUSTED_HOST")).toBe(true);
    const { error } = toActionError(thrown);
    expect(error.code).toBe("UNTRUSTED_HOST");
    expect(names(error.message)).toBe(true);
    const signedOut = await inRequest(requestScope(), () => auth.signOut({ redirectTo: "/" })).catch((e: unknown) => e);
    expect(isTetrastackError(signedOut, "UNTRUSTED_HOST")).toBe(true);
  });
});

describe("a trusted host", () => {
  it("is untouched: AUTH_TRUST_HOST under NODE_ENV=production, as `next start` behind a proxy", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("AUTH_TRUST_HOST", "true");
    vi.stubEnv("AUTH_URL", undefined);
    vi.stubEnv("NEXTAUTH_URL", undefined);
    const { auth, cleanup } = await createTestAuth({
      trustHost: undefined,
      sendEmail: false,
      password: { scrypt: { ln: 17, r: 8, p: 1 } },
      rateLimit: { clientIP: "direct" },
    });
    vi.unstubAllEnvs();
    try {
      const csrf = await new Browser(auth).request("GET", "/api/auth/csrf");
      expect(csrf.status).toBe(200);
      expect(((await csrf.json()) as { csrfToken?: string }).csrfToken).toMatch(/\w{20,}/);
    } finally {
      cleanup();
    }
  });
});
