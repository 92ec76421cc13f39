import type { NextRequest } from "next/server";
import { type Auth, type AuthOptions, createAuth } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { createTestDatabase } from "./helpers.js";

/** A secret long enough for production rules; tests never run with NODE_ENV=production anyway. */
export const TEST_SECRET = "test-secret-for-tetrastack-auth-0123456789abcdef";
export const ORIGIN = "http://localhost:3000";
/** Cheap scrypt for tests that are not about hashing cost (2^10 instead of 2^17). */
export const FAST_SCRYPT = { ln: 10, r: 8, p: 1 } as const;
export const PASSWORD = "correct horse battery staple";

/** Auth.js's logger, recording instead of printing, so tests can assert nothing unexpected was logged. */
export function recordingLogger(): {
  errors: Error[];
  logger: NonNullable<AuthOptions["logger"]>;
} {
  const errors: Error[] = [];
  return {
    errors,
    logger: {
      error: (error: Error) => {
        errors.push(error);
      },
      warn: () => undefined,
      debug: () => undefined,
    },
  };
}

/**
 * The production defaults of the rate-limit budgets and the lockout threshold. Vitest runs with
 * NODE_ENV=test, where `createAuth` defaults to budgets 10 times larger (the development
 * defaults); `createTestAuth` applies these instead, so every test sees what production does.
 * test/auth-development-limits.test.ts checks both sets of defaults.
 */
export const PRODUCTION_LIMITS = {
  rateLimit: {
    signIn: { perIP: 30, perAccount: 10 },
    register: { perIP: 10, perAccount: 5 },
    email: { perIP: 10, perAccount: 3 },
    confirm: { perIP: 30, perAccount: 10 },
  },
  lockout: { threshold: 5 },
} as const;

/** An auth instance over a fresh migrated libSQL file database (or the given one), with production limits. */
export async function createTestAuth(
  options: Partial<AuthOptions> = {},
  database?: { db: Database },
): Promise<{ auth: Auth; db: Database; errors: Error[]; cleanup: () => void }> {
  const t = database ? { db: database.db, cleanup: () => undefined } : await createTestDatabase();
  const { errors, logger } = recordingLogger();
  const auth = createAuth({
    db: t.db,
    secret: TEST_SECRET,
    trustHost: true,
    logger,
    ...options,
    // The test clients send their address in X-Forwarded-For, as one proxy in front of the app would.
    rateLimit: {
      clientIP: { forwardedHops: 1 },
      ...options.rateLimit,
      signIn: { ...PRODUCTION_LIMITS.rateLimit.signIn, ...options.rateLimit?.signIn },
      register: { ...PRODUCTION_LIMITS.rateLimit.register, ...options.rateLimit?.register },
      email: { ...PRODUCTION_LIMITS.rateLimit.email, ...options.rateLimit?.email },
      confirm: { ...PRODUCTION_LIMITS.rateLimit.confirm, ...options.rateLimit?.confirm },
    },
    lockout: { ...PRODUCTION_LIMITS.lockout, ...options.lockout },
    password: { scrypt: FAST_SCRYPT, ...options.password },
  });
  return { auth, db: t.db, errors, cleanup: t.cleanup };
}

/**
 * A browser talking to the real Auth.js route handlers: it keeps the cookies the responses set
 * (and drops the ones they clear) and sends them back, as a browser does.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  /** Set-Cookie headers of the last response. */
  lastSetCookies: string[] = [];

  constructor(
    private readonly auth: Auth,
    readonly ip = "203.0.113.7",
    readonly userAgent = "vitest-browser/1.0",
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** A request carrying this browser's cookies and address, without sending it. */
  makeRequest(method: "GET" | "POST", path: string, body?: Record<string, string> | string): Request {
    const headers = new Headers({ "x-forwarded-for": this.ip, "user-agent": this.userAgent });
    if (this.cookies.size > 0) headers.set("cookie", this.cookieHeader());
    let payload: string | undefined;
    if (typeof body === "string") {
      headers.set("content-type", "application/json");
      payload = body;
    } else if (body) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      payload = new URLSearchParams(body).toString();
    }
    return new Request(`${ORIGIN}${path}`, { method, headers, body: payload });
  }

  async request(method: "GET" | "POST", path: string, body?: Record<string, string> | string): Promise<Response> {
    const request = this.makeRequest(method, path, body) as unknown as NextRequest;
    const response = await (method === "GET" ? this.auth.handlers.GET(request) : this.auth.handlers.POST(request));
    this.lastSetCookies = response.headers.getSetCookie();
    for (const header of this.lastSetCookies) this.store(header);
    return response;
  }

  private store(header: string): void {
    const [pair = "", ...attributes] = header.split(";");
    const index = pair.indexOf("=");
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    const expired = attributes.some((attribute) => {
      const [key = "", attributeValue = ""] = attribute.trim().split("=");
      if (key.toLowerCase() === "max-age") return Number(attributeValue) <= 0;
      if (key.toLowerCase() === "expires") return new Date(attributeValue).getTime() <= Date.now();
      return false;
    });
    if (expired || value === "") this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  async csrf(): Promise<string> {
    const response = await this.request("GET", "/api/auth/csrf");
    return ((await response.json()) as { csrfToken: string }).csrfToken;
  }

  /** POST /api/auth/callback/credentials, as the built-in sign-in form does. */
  async signIn(email: unknown, password: unknown, extra: Record<string, string> = {}): Promise<Response> {
    const csrfToken = await this.csrf();
    const body: Record<string, string> = { csrfToken, callbackUrl: `${ORIGIN}/dashboard`, ...extra };
    if (email !== undefined) body.email = String(email);
    if (password !== undefined) body.password = String(password);
    return this.request("POST", "/api/auth/callback/credentials", body);
  }

  /** GET /api/auth/session: the session JSON, or null. */
  async session(): Promise<Record<string, unknown> | null> {
    const response = await this.request("GET", "/api/auth/session");
    return (await response.json()) as Record<string, unknown> | null;
  }

  async signOut(): Promise<Response> {
    const csrfToken = await this.csrf();
    return this.request("POST", "/api/auth/signout", { csrfToken, callbackUrl: `${ORIGIN}/` });
  }

  get sessionToken(): string | undefined {
    return this.cookies.get("authjs.session-token");
  }
}

/** The `code` query parameter of an Auth.js error redirect. */
export function errorCodeOf(response: Response): string | null {
  const location = response.headers.get("location");
  return location ? new URL(location).searchParams.get("code") : null;
}

/** Registers a user with the default test password. */
export async function register(auth: Auth, email: string, password = PASSWORD): Promise<string> {
  const result = await auth.registerUser({ email, password, name: "Test User" }, { ip: null });
  if (!result.user) throw new Error("registration returned no user");
  return result.user.id;
}
