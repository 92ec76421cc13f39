/**
 * Every endpoint of the JSON API over raw HTTP (a real node:http server on 127.0.0.1, libSQL
 * files): its answer in better-auth's wire format, and each of its error paths as a typed 4xx
 * with better-auth's `{ code, message }` (never a 500). Mail is captured instead of sent (the one
 * thing replaced, see lifecycle-helpers.ts).
 *
 * @see /tmp/issues/13.md (issue 13: a JSON auth API)
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth, AuthOptions } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { type APIServer, startAPIServer } from "./api-helpers.js";
import { PASSWORD } from "./auth-helpers.js";
import { sessions, users } from "./engines/tables.js";
import { type captureMail, createLifecycleAuth, nextIP } from "./lifecycle-helpers.js";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Instance {
  auth: Auth;
  db: Database;
  mail: ReturnType<typeof captureMail>;
  server: APIServer;
  stop(): Promise<void>;
}

/** An auth instance with the API on, served over HTTP. */
async function instance(options: Partial<AuthOptions> = {}): Promise<Instance> {
  const t = await createLifecycleAuth({ api: {}, ...options });
  const server = await startAPIServer(t.auth);
  return {
    ...t,
    server,
    async stop() {
      await server.stop();
      t.cleanup();
    },
  };
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** One request: JSON body by default, a fresh client address unless `ip` is given. */
async function call(
  target: Instance,
  method: string,
  path: string,
  options: {
    body?: unknown;
    raw?: BodyInit;
    headers?: Record<string, string>;
    bearer?: string;
    cookie?: string;
    ip?: string;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { "x-forwarded-for": options.ip ?? nextIP(), ...options.headers };
  if (options.body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.cookie) {
    headers.cookie = options.cookie;
    headers.origin ??= target.server.url;
  }
  const response = await fetch(`${target.server.baseURL}${path}`, {
    method,
    headers,
    redirect: "manual",
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    ...(options.raw instanceof ReadableStream && { duplex: "half" }),
  } as RequestInit);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body, text };
}

/** Registers a user directly (the flow, not the endpoint) and signs in over the API: its bearer token. */
async function signedIn(target: Instance, email: string, password = PASSWORD): Promise<string> {
  await target.auth.registerUser({ email, password, name: "Test" }, { ip: null });
  const answer = await call(target, "POST", "/sign-in/email", { body: { email, password } });
  expect(answer.status).toBe(200);
  return answer.headers.get("set-auth-token") ?? "";
}

const error = (code: string) => ({ code, message: expect.any(String) });

let main: Instance;
beforeAll(async () => {
  main = await instance({ lockout: { threshold: 3, baseSeconds: 60 } });
});
afterAll(() => main.stop());

describe("POST /sign-up/email", () => {
  it("creates the user, signs in, and answers { token, user } with ISO dates and a boolean emailVerified", async () => {
    const answer = await call(main, "POST", "/sign-up/email", {
      body: { name: " Ada ", email: "Ada@Example.com", password: PASSWORD, image: "https://example.com/a.png" },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      token: answer.headers.get("set-auth-token"),
      user: {
        id: expect.any(String),
        name: "Ada",
        email: "ada@example.com",
        emailVerified: false,
        image: "https://example.com/a.png",
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      },
    });
    expect(answer.headers.getSetCookie().some((c) => c.startsWith("authjs.session-token="))).toBe(true);
  });

  it("answers 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL for a taken address", async () => {
    await call(main, "POST", "/sign-up/email", { body: { name: "A", email: "taken@example.com", password: PASSWORD } });
    const answer = await call(main, "POST", "/sign-up/email", {
      body: { name: "B", email: "TAKEN@example.com", password: PASSWORD },
    });
    expect(answer).toMatchObject({ status: 422, body: error("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL") });
  });

  it("answers better-auth's 400 codes for a bad address, a short or long password, and missing fields", async () => {
    const signUp = (body: unknown) => call(main, "POST", "/sign-up/email", { body });
    expect(await signUp({ name: "x", email: "not-an-email", password: PASSWORD })).toMatchObject({
      status: 400,
      body: error("INVALID_EMAIL"),
    });
    expect(await signUp({ name: "x", email: "short@example.com", password: "1234567" })).toMatchObject({
      status: 400,
      body: error("PASSWORD_TOO_SHORT"),
    });
    expect(await signUp({ name: "x", email: "long@example.com", password: "x".repeat(129) })).toMatchObject({
      status: 400,
      body: error("PASSWORD_TOO_LONG"),
    });
    const missing = await signUp({ email: "missing@example.com" });
    expect(missing).toMatchObject({ status: 400, body: error("VALIDATION_ERROR") });
    expect((missing.body as { issues: { path: string }[] }).issues.map((issue) => issue.path).sort()).toEqual([
      "name",
      "password",
    ]);
    expect(
      await signUp({ name: "x", email: "img@example.com", password: PASSWORD, image: "javascript:x" }),
    ).toMatchObject({ status: 400, body: error("VALIDATION_ERROR") });
  });

  it("refuses a callbackURL on another origin (403 INVALID_CALLBACK_URL) and creates nothing", async () => {
    const answer = await call(main, "POST", "/sign-up/email", {
      body: { name: "x", email: "open-redirect@example.com", password: PASSWORD, callbackURL: "https://evil.example/" },
    });
    expect(answer).toMatchObject({ status: 403, body: error("INVALID_CALLBACK_URL") });
    expect(await main.db.select().from(users).where(eq(users.email, "open-redirect@example.com"))).toEqual([]);
  });

  it("is rate-limited per address with 429 RATE_LIMITED, Retry-After and X-Retry-After", async () => {
    const ip = nextIP();
    const statuses: number[] = [];
    let last: Answer | undefined;
    for (let i = 0; i < 11; i++) {
      last = await call(main, "POST", "/sign-up/email", {
        ip,
        body: { name: "x", email: `burst-${i}@example.com`, password: PASSWORD },
      });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 10).every((status) => status === 200)).toBe(true);
    expect(last).toMatchObject({ status: 429, body: { code: "RATE_LIMITED", retryAfter: expect.any(Number) } });
    expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(last?.headers.get("x-retry-after")).toBe(last?.headers.get("retry-after"));
  });

  it("does not sign in and answers the same for a taken address when registration is enumeration-safe", async () => {
    const safe = await instance({ registration: { enumerationSafe: true } });
    try {
      const first = await call(safe, "POST", "/sign-up/email", {
        body: { name: "One", email: "one@example.com", password: PASSWORD },
      });
      const again = await call(safe, "POST", "/sign-up/email", {
        body: { name: "One", email: "one@example.com", password: PASSWORD },
      });
      for (const answer of [first, again]) {
        expect(answer.status).toBe(200);
        expect(answer.headers.get("set-auth-token")).toBeNull();
        expect(answer.body).toEqual({
          token: null,
          user: {
            id: expect.any(String),
            name: "One",
            email: "one@example.com",
            emailVerified: false,
            image: null,
            createdAt: expect.stringMatching(ISO),
            updatedAt: expect.stringMatching(ISO),
          },
        });
      }
      expect(await safe.db.select().from(users)).toHaveLength(1);
    } finally {
      await safe.stop();
    }
  });
});

describe("POST /sign-in/email", () => {
  beforeAll(async () => {
    await main.auth.registerUser({ email: "sign-in@example.com", password: PASSWORD, name: "Sig" }, { ip: null });
  });

  it("answers { redirect, token, url, user }, the cookie and set-auth-token; callbackURL sets redirect and url", async () => {
    const plain = await call(main, "POST", "/sign-in/email", {
      body: { email: "sign-in@example.com", password: PASSWORD },
    });
    expect(plain.status).toBe(200);
    expect(plain.body).toEqual({
      redirect: false,
      token: plain.headers.get("set-auth-token"),
      user: expect.objectContaining({
        email: "sign-in@example.com",
        emailVerified: false,
        createdAt: expect.stringMatching(ISO),
      }),
    });
    const redirected = await call(main, "POST", "/sign-in/email", {
      body: { email: "sign-in@example.com", password: PASSWORD, callbackURL: "/dashboard" },
    });
    expect(redirected.body).toMatchObject({ redirect: true, url: "/dashboard" });
    expect(redirected.headers.get("location")).toBe("/dashboard");
  });

  it("answers a wrong password and an unknown email with the same 401 INVALID_EMAIL_OR_PASSWORD", async () => {
    const wrong = await call(main, "POST", "/sign-in/email", {
      body: { email: "sign-in@example.com", password: "nope nope" },
    });
    const unknown = await call(main, "POST", "/sign-in/email", {
      body: { email: "nobody@example.com", password: "nope nope" },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" });
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.text).toBe(wrong.text);
    const names = (answer: Answer) => [...answer.headers.keys()].filter((name) => name !== "date").sort();
    expect(names(unknown)).toEqual(names(wrong));
  });

  it("locks the account after repeated wrong passwords: 423 ACCOUNT_LOCKED with Retry-After, even for the right one", async () => {
    await main.auth.registerUser({ email: "locked@example.com", password: PASSWORD }, { ip: null });
    for (let i = 0; i < 3; i++) {
      const answer = await call(main, "POST", "/sign-in/email", {
        body: { email: "locked@example.com", password: "wrong one" },
      });
      expect(answer.status).toBe(401);
    }
    const locked = await call(main, "POST", "/sign-in/email", {
      body: { email: "locked@example.com", password: PASSWORD },
    });
    expect(locked).toMatchObject({ status: 423, body: { code: "ACCOUNT_LOCKED", retryAfter: expect.any(Number) } });
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(locked.headers.get("x-retry-after")).toBe(locked.headers.get("retry-after"));
    expect(locked.headers.get("set-auth-token")).toBeNull();
  });

  it("is rate-limited per client address: 429 RATE_LIMITED with Retry-After and X-Retry-After", async () => {
    const limited = await instance({ rateLimit: { signIn: { perIP: 3 } } });
    try {
      const ip = nextIP();
      const answers: Answer[] = [];
      for (let i = 0; i < 4; i++) {
        answers.push(
          await call(limited, "POST", "/sign-in/email", {
            ip,
            body: { email: `x${i}@example.com`, password: "whatever" },
          }),
        );
      }
      expect(answers.slice(0, 3).map((answer) => answer.status)).toEqual([401, 401, 401]);
      expect(answers[3]).toMatchObject({ status: 429, body: { code: "RATE_LIMITED" } });
      expect(Number(answers[3]?.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(answers[3]?.headers.get("x-retry-after")).toBe(answers[3]?.headers.get("retry-after"));
    } finally {
      await limited.stop();
    }
  });

  it("answers 403 EMAIL_NOT_VERIFIED after the right password when verification is required", async () => {
    const strict = await instance({ emailVerification: { required: true } });
    try {
      await strict.auth.registerUser({ email: "unverified@example.com", password: PASSWORD }, { ip: null });
      const answer = await call(strict, "POST", "/sign-in/email", {
        body: { email: "unverified@example.com", password: PASSWORD },
      });
      expect(answer).toMatchObject({ status: 403, body: error("EMAIL_NOT_VERIFIED") });
      // Sign-up does not sign in either (better-auth's requireEmailVerification).
      const signUp = await call(strict, "POST", "/sign-up/email", {
        body: { name: "N", email: "new@example.com", password: PASSWORD },
      });
      expect(signUp).toMatchObject({ status: 200, body: { token: null, user: { email: "new@example.com" } } });
    } finally {
      await strict.stop();
    }
  });

  it("answers 403 ACCESS_DENIED, and creates no session, when your signIn callback refuses", async () => {
    const refusing = await instance({ callbacks: { signIn: ({ user }) => user.email !== "banned@example.com" } });
    try {
      await refusing.auth.registerUser({ email: "banned@example.com", password: PASSWORD }, { ip: null });
      const answer = await call(refusing, "POST", "/sign-in/email", {
        body: { email: "banned@example.com", password: PASSWORD },
      });
      expect(answer).toMatchObject({ status: 403, body: error("ACCESS_DENIED") });
      expect(await refusing.db.select().from(sessions)).toEqual([]);
    } finally {
      await refusing.stop();
    }
  });

  it("answers 400 INVALID_EMAIL for a malformed address and 400 VALIDATION_ERROR for missing fields", async () => {
    expect(await call(main, "POST", "/sign-in/email", { body: { email: "nope", password: "x" } })).toMatchObject({
      status: 400,
      body: error("INVALID_EMAIL"),
    });
    const missing = await call(main, "POST", "/sign-in/email", { body: {} });
    expect(missing).toMatchObject({ status: 400, body: error("VALIDATION_ERROR") });
    expect(await call(main, "POST", "/sign-in/email", { body: { email: 1, password: ["x"] } })).toMatchObject({
      status: 400,
      body: error("VALIDATION_ERROR"),
    });
    expect(
      await call(main, "POST", "/sign-in/email", { body: { email: "a@b.co", password: "x", rememberMe: "no" } }),
    ).toMatchObject({ status: 400, body: error("VALIDATION_ERROR") });
  });

  it("refuses what is not a JSON object: 400 malformed JSON, 415 other types, 400 arrays and invalid UTF-8", async () => {
    const raw = (raw: BodyInit, type = "application/json") =>
      call(main, "POST", "/sign-in/email", { raw, headers: { "content-type": type } });
    expect(await raw('{"email": "a@b.co", "password": ')).toMatchObject({ status: 400, body: error("BAD_REQUEST") });
    expect(await raw("email=a%40b.co&password=x", "application/x-www-form-urlencoded")).toMatchObject({
      status: 415,
      body: error("UNSUPPORTED_MEDIA_TYPE"),
    });
    expect(await raw('{"email":"a@b.co","password":"x"}', "text/plain")).toMatchObject({
      status: 415,
      body: error("UNSUPPORTED_MEDIA_TYPE"),
    });
    expect(await raw("[1,2,3]")).toMatchObject({ status: 400, body: error("BODY_MUST_BE_AN_OBJECT") });
    expect(await raw("null")).toMatchObject({ status: 400, body: error("BODY_MUST_BE_AN_OBJECT") });
    expect(await raw(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).toMatchObject({
      status: 400,
      body: error("BAD_REQUEST"),
    });
  });

  it("refuses a 1 MB body with 413 PAYLOAD_TOO_LARGE, declared or streamed without a length", async () => {
    const big = JSON.stringify({ email: "a@b.co", password: "x".repeat(1024 * 1024) });
    expect(
      await call(main, "POST", "/sign-in/email", { raw: big, headers: { "content-type": "application/json" } }),
    ).toMatchObject({
      status: 413,
      body: error("PAYLOAD_TOO_LARGE"),
    });
    // Chunked, no Content-Length: the reader stops at the limit instead of buffering it all.
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 16) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await call(main, "POST", "/sign-in/email", {
      raw: stream,
      headers: { "content-type": "application/json" },
    });
    expect(streamed).toMatchObject({ status: 413, body: error("PAYLOAD_TOO_LARGE") });
  });

  it("answers 405 METHOD_NOT_ALLOWED for GET, and leaves Auth.js's own paths to Auth.js", async () => {
    const get = await call(main, "GET", "/sign-in/email");
    expect(get).toMatchObject({ status: 405, body: error("METHOD_NOT_ALLOWED") });
    expect(get.headers.get("allow")).toBe("POST, OPTIONS");
    const csrf = await call(main, "GET", "/csrf");
    expect(csrf.body).toEqual({ csrfToken: expect.any(String) });
  });
});

describe("GET /get-session", () => {
  it("answers JSON null without a session, never cached", async () => {
    const answer = await call(main, "GET", "/get-session");
    expect(answer.status).toBe(200);
    expect(answer.text).toBe("null");
    expect(answer.headers.get("cache-control")).toBe("no-store");
  });

  it("answers { session, user } for the bearer token, and null for a malformed or unknown one", async () => {
    const token = await signedIn(main, "get-session@example.com");
    const answer = await call(main, "GET", "/get-session", { bearer: token });
    expect(answer.body).toEqual({
      session: {
        id: expect.any(String),
        token: (answer.body as { session: { id: string } }).session.id,
        userId: expect.any(String),
        expiresAt: expect.stringMatching(ISO),
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      },
      user: {
        id: expect.any(String),
        name: "Test",
        email: "get-session@example.com",
        emailVerified: false,
        image: null,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      },
    });
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect((await call(main, "GET", "/get-session", { bearer: "not-a-token" })).text).toBe("null");
    expect((await call(main, "GET", "/get-session", { bearer: "A".repeat(43) })).text).toBe("null");
    // A bearer request is the bearer's: a valid cookie next to a bad bearer token does not count.
    const cookie = `authjs.session-token=${token}`;
    expect((await call(main, "GET", "/get-session", { bearer: "A".repeat(43), cookie })).text).toBe("null");
  });

  it("ends an expired session: null, the row deleted and the cookie expired", async () => {
    const token = await signedIn(main, "expired@example.com");
    const [user] = await main.db.select().from(users).where(eq(users.email, "expired@example.com"));
    await main.db
      .update(sessions)
      .set({ expires: new Date(Date.now() - 1000) })
      .where(eq(sessions.userId, user?.id ?? ""));
    const answer = await call(main, "GET", "/get-session", { cookie: `authjs.session-token=${token}` });
    expect(answer.text).toBe("null");
    expect(answer.headers.getSetCookie().some((c) => /^authjs\.session-token=;.*Max-Age=0/.test(c))).toBe(true);
    expect(
      await main.db
        .select()
        .from(sessions)
        .where(eq(sessions.userId, user?.id ?? "")),
    ).toEqual([]);
  });

  it("slides the session forward: the cookie follows, and one that ends with the browser stays so", async () => {
    const sliding = await instance({ session: { updateAge: 0 } });
    try {
      await sliding.auth.registerUser({ email: "slide@example.com", password: PASSWORD }, { ip: null });
      for (const rememberMe of [true, false]) {
        const signIn = await call(sliding, "POST", "/sign-in/email", {
          body: { email: "slide@example.com", password: PASSWORD, rememberMe },
        });
        const cookie = signIn.headers
          .getSetCookie()
          .map((c) => c.split(";")[0])
          .join("; ");
        const answer = await call(sliding, "GET", "/get-session", { cookie });
        const set = answer.headers.getSetCookie().find((c) => c.startsWith("authjs.session-token="));
        expect(set, `rememberMe: ${rememberMe}`).toBeDefined();
        expect(/Expires=/.test(set ?? ""), `rememberMe: ${rememberMe}`).toBe(rememberMe);
        // Bearer clients keep their token; the row slid all the same.
        const bearer = await call(sliding, "GET", "/get-session", {
          bearer: signIn.headers.get("set-auth-token") ?? "",
        });
        expect(bearer.headers.getSetCookie()).toEqual([]);
      }
    } finally {
      await sliding.stop();
    }
  });
});

describe("POST /sign-out", () => {
  it("ends the bearer's session (the row goes) and answers { success: true }; without a session too", async () => {
    const token = await signedIn(main, "sign-out@example.com");
    expect(await call(main, "POST", "/sign-out", { bearer: token, body: {} })).toMatchObject({
      status: 200,
      body: { success: true },
    });
    expect((await call(main, "GET", "/get-session", { bearer: token })).text).toBe("null");
    expect(await call(main, "POST", "/sign-out")).toMatchObject({ status: 200, body: { success: true } });
  });
});

describe("session list and revocation", () => {
  it("list-sessions: the user's live sessions, ids as tokens; 401 UNAUTHORIZED without a session", async () => {
    const token = await signedIn(main, "list@example.com");
    await call(main, "POST", "/sign-in/email", { body: { email: "list@example.com", password: PASSWORD } });
    const answer = await call(main, "GET", "/list-sessions", { bearer: token });
    expect(answer.status).toBe(200);
    const list = answer.body as { id: string; token: string; ipAddress: string | null }[];
    expect(list).toHaveLength(2);
    for (const item of list) expect(item.token).toBe(item.id);
    expect(list.some((item) => item.token === token)).toBe(false);
    expect(await call(main, "GET", "/list-sessions")).toMatchObject({ status: 401, body: error("UNAUTHORIZED") });
  });

  it("revoke-session ends one session by id, only the user's own; missing token is 400", async () => {
    const token = await signedIn(main, "revoke@example.com");
    const other = await signedIn(main, "someone-else@example.com");
    const theirs = (await call(main, "GET", "/get-session", { bearer: other })).body as { session: { id: string } };
    // Another user's session id: answered as better-auth does ({ status: true }), nothing ended.
    expect(
      await call(main, "POST", "/revoke-session", { bearer: token, body: { token: theirs.session.id } }),
    ).toMatchObject({
      status: 200,
      body: { status: true },
    });
    expect((await call(main, "GET", "/get-session", { bearer: other })).body).not.toBeNull();
    expect(await call(main, "POST", "/revoke-session", { bearer: token, body: {} })).toMatchObject({
      status: 400,
      body: error("VALIDATION_ERROR"),
    });
    const mine = (await call(main, "GET", "/get-session", { bearer: token })).body as { session: { id: string } };
    expect(
      await call(main, "POST", "/revoke-session", { bearer: token, body: { token: mine.session.id } }),
    ).toMatchObject({
      body: { status: true },
    });
    expect((await call(main, "GET", "/get-session", { bearer: token })).text).toBe("null");
    expect(await call(main, "POST", "/revoke-session", { body: { token: "x" } })).toMatchObject({ status: 401 });
  });

  it("revoke-other-sessions keeps the caller's; revoke-sessions ends all; both 401 without a session", async () => {
    const token = await signedIn(main, "others@example.com");
    const second = (
      await call(main, "POST", "/sign-in/email", { body: { email: "others@example.com", password: PASSWORD } })
    ).headers.get("set-auth-token");
    expect(await call(main, "POST", "/revoke-other-sessions", { bearer: token })).toMatchObject({
      body: { status: true },
    });
    expect((await call(main, "GET", "/get-session", { bearer: token })).body).not.toBeNull();
    expect((await call(main, "GET", "/get-session", { bearer: second ?? "" })).text).toBe("null");
    expect(await call(main, "POST", "/revoke-sessions", { bearer: token })).toMatchObject({ body: { status: true } });
    expect((await call(main, "GET", "/get-session", { bearer: token })).text).toBe("null");
    expect(await call(main, "POST", "/revoke-sessions")).toMatchObject({ status: 401, body: error("UNAUTHORIZED") });
    expect(await call(main, "POST", "/revoke-other-sessions")).toMatchObject({
      status: 401,
      body: error("UNAUTHORIZED"),
    });
  });
});

describe("email verification", () => {
  it("send-verification-email answers { status: true } alike for known and unknown addresses", async () => {
    await main.auth.registerUser({ email: "verify-me@example.com", password: PASSWORD }, { ip: null });
    const known = await call(main, "POST", "/send-verification-email", { body: { email: "verify-me@example.com" } });
    const unknown = await call(main, "POST", "/send-verification-email", { body: { email: "ghost@example.com" } });
    expect(known).toMatchObject({ status: 200, body: { status: true } });
    expect(unknown.text).toBe(known.text);
    expect(main.mail.to("verify-me@example.com")).toHaveLength(1);
    expect(main.mail.to("ghost@example.com")).toHaveLength(0);
    expect(await call(main, "POST", "/send-verification-email", { body: { email: "bad" } })).toMatchObject({
      status: 400,
      body: error("INVALID_EMAIL"),
    });
    expect(await call(main, "POST", "/send-verification-email", { body: {} })).toMatchObject({ status: 400 });
  });

  it("verify-email: the link's token verifies when signed in; from elsewhere the password is asked for (POST)", async () => {
    const token = await signedIn(main, "link@example.com");
    await call(main, "POST", "/send-verification-email", { body: { email: "link@example.com" } });
    const link = main.mail.token("link@example.com");
    // Not signed in: an account with a password needs it too (the package's rule, stricter than better-auth).
    const anonymous = await call(main, "GET", `/verify-email?token=${link}`);
    expect(anonymous).toMatchObject({ status: 401, body: error("REAUTHENTICATION_REQUIRED") });
    const wrong = await call(main, "POST", "/verify-email", { body: { token: link, password: "not it at all" } });
    expect(wrong).toMatchObject({ status: 400, body: error("INVALID_PASSWORD") });
    const verified = await call(main, "GET", `/verify-email?token=${link}`, { bearer: token });
    expect(verified).toMatchObject({ status: 200, body: { status: true, user: null } });
    const session = (await call(main, "GET", "/get-session", { bearer: token })).body as {
      user: { emailVerified: boolean };
    };
    expect(session.user.emailVerified).toBe(true);
    // Used: the same link again is refused.
    expect(await call(main, "GET", `/verify-email?token=${link}`, { bearer: token })).toMatchObject({
      status: 400,
      body: error("INVALID_TOKEN"),
    });
    expect(await call(main, "GET", "/verify-email")).toMatchObject({ status: 400, body: error("VALIDATION_ERROR") });
  });

  it("verify-email with callbackURL redirects there, with ?error=<code> on failure; never elsewhere", async () => {
    const failed = await call(main, "GET", "/verify-email?token=nope&callbackURL=/welcome");
    expect(failed.status).toBe(302);
    expect(failed.headers.get("location")).toBe("/welcome?error=INVALID_TOKEN");
    const evil = await call(main, "GET", "/verify-email?token=nope&callbackURL=https://evil.example/");
    expect(evil).toMatchObject({ status: 403, body: error("INVALID_CALLBACK_URL") });
    expect(evil.headers.get("location")).toBeNull();
    const protocolRelative = await call(main, "GET", "/verify-email?token=nope&callbackURL=//evil.example/");
    expect(protocolRelative.status).toBe(403);
  });
});

describe("password reset", () => {
  it("request-password-reset answers alike for every address; reset-password sets the password and ends sessions", async () => {
    const old = await signedIn(main, "reset@example.com");
    const known = await call(main, "POST", "/request-password-reset", { body: { email: "reset@example.com" } });
    const unknown = await call(main, "POST", "/request-password-reset", { body: { email: "nobody-here@example.com" } });
    expect(known).toMatchObject({ status: 200, body: { status: true, message: expect.any(String) } });
    expect(unknown.text).toBe(known.text);
    expect(
      await call(main, "POST", "/request-password-reset", {
        body: { email: "reset@example.com", redirectTo: "https://evil.example/x" },
      }),
    ).toMatchObject({ status: 403, body: error("INVALID_REDIRECT_URL") });

    const token = main.mail.token("reset@example.com");
    expect(await call(main, "POST", "/reset-password", { body: { token, newPassword: "short" } })).toMatchObject({
      status: 400,
      body: error("PASSWORD_TOO_SHORT"),
    });
    expect(await call(main, "POST", "/reset-password", { body: { newPassword: "long enough now" } })).toMatchObject({
      status: 400,
      body: error("INVALID_TOKEN"),
    });
    expect(
      await call(main, "POST", `/reset-password?token=${token}`, { body: { newPassword: "a fresh passphrase" } }),
    ).toMatchObject({
      status: 200,
      body: { status: true },
    });
    expect((await call(main, "GET", "/get-session", { bearer: old })).text).toBe("null");
    expect(
      await call(main, "POST", "/reset-password", { body: { token, newPassword: "a fresh passphrase" } }),
    ).toMatchObject({
      status: 400,
      body: error("INVALID_TOKEN"),
    });
    const signIn = await call(main, "POST", "/sign-in/email", {
      body: { email: "reset@example.com", password: "a fresh passphrase" },
    });
    expect(signIn.status).toBe(200);
  });

  it("answers 400 RESET_PASSWORD_DISABLED (and better-auth's codes for the other mails) when no mail can be sent", async () => {
    const silent = await instance({ sendEmail: false });
    try {
      expect(await call(silent, "POST", "/request-password-reset", { body: { email: "a@example.com" } })).toMatchObject(
        {
          status: 400,
          body: error("RESET_PASSWORD_DISABLED"),
        },
      );
      expect(
        await call(silent, "POST", "/send-verification-email", { body: { email: "a@example.com" } }),
      ).toMatchObject({
        status: 400,
        body: error("VERIFICATION_EMAIL_NOT_ENABLED"),
      });
      const token = await signedIn(silent, "quiet@example.com");
      expect(
        await call(silent, "POST", "/change-email", {
          bearer: token,
          body: { newEmail: "new@example.com", password: PASSWORD },
        }),
      ).toMatchObject({ status: 400, body: error("CHANGE_EMAIL_DISABLED") });
    } finally {
      await silent.stop();
    }
  });
});

describe("POST /change-password", () => {
  it("changes the password with the current one and ends the other sessions; wrong or missing: typed 4xx", async () => {
    const token = await signedIn(main, "change@example.com");
    const other = (
      await call(main, "POST", "/sign-in/email", { body: { email: "change@example.com", password: PASSWORD } })
    ).headers.get("set-auth-token");
    expect(
      await call(main, "POST", "/change-password", {
        bearer: token,
        body: { currentPassword: "wrong wrong", newPassword: "new passphrase" },
      }),
    ).toMatchObject({ status: 400, body: error("INVALID_PASSWORD") });
    expect(
      await call(main, "POST", "/change-password", {
        bearer: token,
        body: { currentPassword: PASSWORD, newPassword: "short" },
      }),
    ).toMatchObject({ status: 400, body: error("PASSWORD_TOO_SHORT") });
    expect(await call(main, "POST", "/change-password", { bearer: token, body: { newPassword: "x" } })).toMatchObject({
      status: 400,
      body: error("VALIDATION_ERROR"),
    });
    expect(
      await call(main, "POST", "/change-password", {
        body: { currentPassword: PASSWORD, newPassword: "new passphrase" },
      }),
    ).toMatchObject({ status: 401, body: error("UNAUTHORIZED") });
    const changed = await call(main, "POST", "/change-password", {
      bearer: token,
      body: { currentPassword: PASSWORD, newPassword: "new passphrase", revokeOtherSessions: true },
    });
    expect(changed).toMatchObject({ status: 200, body: { token: null, user: { email: "change@example.com" } } });
    expect((await call(main, "GET", "/get-session", { bearer: other ?? "" })).text).toBe("null");
    expect((await call(main, "GET", "/get-session", { bearer: token })).body).not.toBeNull();
  });

  it("needs a fresh session: 403 SESSION_NOT_FRESH once session.freshAge has passed", async () => {
    const stale = await instance({ session: { freshAge: 0 } });
    try {
      const token = await signedIn(stale, "stale@example.com");
      await new Promise((done) => setTimeout(done, 5));
      expect(
        await call(stale, "POST", "/change-password", {
          bearer: token,
          body: { currentPassword: PASSWORD, newPassword: "new passphrase" },
        }),
      ).toMatchObject({ status: 403, body: error("SESSION_NOT_FRESH") });
    } finally {
      await stale.stop();
    }
  });
});

describe("email change", () => {
  it("change-email needs the password (stricter than better-auth), mails the new address; confirm moves the account", async () => {
    const token = await signedIn(main, "old-address@example.com");
    expect(
      await call(main, "POST", "/change-email", { bearer: token, body: { newEmail: "new-address@example.com" } }),
    ).toMatchObject({
      status: 401,
      body: error("REAUTHENTICATION_REQUIRED"),
    });
    expect(
      await call(main, "POST", "/change-email", {
        bearer: token,
        body: { newEmail: "new-address@example.com", password: "wrong!!" },
      }),
    ).toMatchObject({ status: 400, body: error("INVALID_PASSWORD") });
    expect(
      await call(main, "POST", "/change-email", { bearer: token, body: { newEmail: "nope", password: PASSWORD } }),
    ).toMatchObject({
      status: 400,
      body: error("INVALID_EMAIL"),
    });
    expect(
      await call(main, "POST", "/change-email", {
        bearer: token,
        body: { newEmail: "new-address@example.com", password: PASSWORD },
      }),
    ).toMatchObject({ status: 200, body: { status: true } });
    const link = main.mail.token("new-address@example.com");
    const confirmed = await call(main, "POST", "/change-email/confirm", { bearer: token, body: { token: link } });
    expect(confirmed).toMatchObject({
      status: 200,
      body: { status: true, user: { email: "new-address@example.com", emailVerified: true } },
    });
    expect(await call(main, "POST", "/change-email/confirm", { body: { token: link } })).toMatchObject({
      status: 400,
      body: error("INVALID_TOKEN"),
    });
    expect(await call(main, "POST", "/change-email/approve", { body: { token: "x".repeat(43) } })).toMatchObject({
      status: 400,
      body: error("INVALID_TOKEN"),
    });
    expect(await call(main, "POST", "/change-email", { body: { newEmail: "a@example.com" } })).toMatchObject({
      status: 401,
    });
  });
});

describe("POST /delete-user", () => {
  it("deletes with the password; without one mails a link that GET /delete-user/callback confirms", async () => {
    const token = await signedIn(main, "delete@example.com");
    expect(await call(main, "POST", "/delete-user", { bearer: token, body: { password: "wrong!!" } })).toMatchObject({
      status: 400,
      body: error("INVALID_PASSWORD"),
    });
    expect(await call(main, "POST", "/delete-user", { bearer: token, body: {} })).toMatchObject({
      status: 200,
      body: { success: true, message: "Verification email sent" },
    });
    const link = main.mail.token("delete@example.com");
    expect(await call(main, "GET", "/delete-user/callback?token=nope&callbackURL=/bye")).toMatchObject({ status: 302 });
    const deleted = await call(main, "GET", `/delete-user/callback?token=${link}`, { bearer: token });
    expect(deleted).toMatchObject({ status: 200, body: { success: true, message: "User deleted" } });
    expect(await main.db.select().from(users).where(eq(users.email, "delete@example.com"))).toEqual([]);

    const second = await signedIn(main, "delete-now@example.com");
    expect(await call(main, "POST", "/delete-user", { bearer: second, body: { password: PASSWORD } })).toMatchObject({
      status: 200,
      body: { success: true, message: "User deleted" },
    });
    expect((await call(main, "GET", "/get-session", { bearer: second })).text).toBe("null");
    expect(await call(main, "POST", "/delete-user", { body: { password: PASSWORD } })).toMatchObject({
      status: 401,
      body: error("UNAUTHORIZED"),
    });
  });
});

describe("the API switched off", () => {
  it("answers its paths 404 and still serves Auth.js's", async () => {
    const t = await createLifecycleAuth();
    const server = await startAPIServer(t.auth);
    try {
      const answer = await fetch(`${server.baseURL}/get-session`);
      expect(answer.status).toBe(404);
      expect(await answer.json()).toEqual(error("NOT_FOUND"));
      expect(((await (await fetch(`${server.baseURL}/csrf`)).json()) as { csrfToken?: string }).csrfToken).toBeTruthy();
    } finally {
      await server.stop();
      t.cleanup();
    }
  });
});
