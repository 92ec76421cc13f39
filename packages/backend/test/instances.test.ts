import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, users } from "./engines/tables.js";
import { createTestDatabase, queryAll, testEngine } from "./helpers.js";

// Two app instances as two OS processes (test/fixtures/instance-worker.mjs: createAuth from the
// built dist/ on the same database URL, served on 127.0.0.1), driven over HTTP through the real
// entry points: Auth.js's routes with cookies, the JSON API with bearer tokens. Nothing is shared
// between them but the database: a libSQL file (or that file behind the HTTP stand-in), or one
// PostgreSQL server. PGlite is left out: it is one in-process instance, which no second process
// can open (vitest.config.ts says so). The outcomes are printed per instance.
// @see /tmp/issues/12.md (issue 12, item 5: several instances, one database)

const root = fileURLToPath(new URL("..", import.meta.url));
const WORKER = join(root, "test/fixtures/instance-worker.mjs");
const PASSWORD = "correct horse battery staple";

/** The workers run dist/: a dist older than src/ would test other code than this checkout's. */
function assertFreshBuild(): void {
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
        entry.isDirectory() ? newest(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs,
      ),
    );
  const built = statSync(join(root, "dist/auth/index.js")).mtimeMs;
  if (newest(join(root, "src")) > built) {
    throw new Error("dist/ is older than src/: build the package first (pnpm --filter @tetrastack/backend build)");
  }
}

interface Answer {
  status: number;
  body: Record<string, unknown> | null;
  cookies: Map<string, string>;
  location: string | null;
}

/** One worker process and a small HTTP client for it. */
class Instance {
  readonly mails: { to: string; text: string }[] = [];
  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static start(name: string, url: string, options: Record<string, unknown>): Promise<Instance> {
    const child = spawn(process.execPath, [WORKER, JSON.stringify({ url, options })], {
      cwd: root,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    return new Promise((resolve, reject) => {
      let instance: Instance | undefined;
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.on("line", (line) => {
        const message = JSON.parse(line) as { event: string; port?: number; to?: string; text?: string };
        if (message.event === "ready" && message.port) {
          instance = new Instance(name, child, message.port);
          resolve(instance);
        } else if (message.event === "mail")
          instance?.mails.push({ to: String(message.to), text: String(message.text) });
      });
      child.once("exit", (code) => {
        if (!instance) reject(new Error(`${name} exited (${code}) before listening: ${stderr}`));
      });
    });
  }

  /** Stops the process by its PID (closing its stdin would stop it too). */
  stop(): void {
    if (this.child.exitCode === null && this.child.pid) process.kill(this.child.pid, "SIGTERM");
  }

  async request(
    method: "GET" | "POST",
    path: string,
    options: {
      json?: unknown;
      form?: Record<string, string>;
      cookies?: Map<string, string>;
      bearer?: string;
      ip?: string;
    } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { "x-forwarded-for": options.ip ?? "198.51.100.7" };
    let body: string | undefined;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    } else if (options.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(options.form).toString();
    }
    if (options.cookies?.size) {
      headers.cookie = [...options.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    }
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`, { method, headers, body, redirect: "manual" });
    const cookies = new Map(options.cookies ?? []);
    for (const header of response.headers.getSetCookie()) {
      const [pair = ""] = header.split(";");
      const index = pair.indexOf("=");
      const value = pair.slice(index + 1);
      if (value && !/max-age=0/i.test(header)) cookies.set(pair.slice(0, index), value);
      else cookies.delete(pair.slice(0, index));
    }
    const text = await response.text();
    let parsed: Record<string, unknown> | null = null;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      parsed = { text };
    }
    return { status: response.status, body: parsed, cookies, location: response.headers.get("location") };
  }

  /** A sign-in through Auth.js's credentials route (csrf, then the form), as a browser does. */
  async routeSignIn(email: string, password: string, ip: string): Promise<Answer> {
    const csrf = await this.request("GET", "/api/auth/csrf", { ip });
    const { csrfToken } = csrf.body as { csrfToken: string };
    return this.request("POST", "/api/auth/callback/credentials", {
      form: { csrfToken, email, password, callbackUrl: "http://localhost:3000/" },
      cookies: csrf.cookies,
      ip,
    });
  }

  /** The token of the newest link mailed to `to` by this instance. */
  mailedToken(to: string): string {
    const mail = this.mails.filter((entry) => entry.to === to).at(-1);
    const token = mail ? /[?&]token=([^&\s]+)/.exec(mail.text)?.[1] : undefined;
    if (!token) throw new Error(`${this.name} mailed no link to ${to}`);
    return decodeURIComponent(token);
  }
}

/** `{ "<instance> <status> <code>": n }`, the outcomes of a burst, for the log and the assertions. */
function tally(results: { instance: string; answer: Answer }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { instance, answer } of results) {
    const code = (answer.body as { code?: string } | null)?.code ?? (answer.status < 300 ? "OK" : "");
    const key = `${instance} ${answer.status} ${code}`.trim();
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** How many answers of the tally had `status` (whichever instance). */
function withStatus(counts: Record<string, number>, status: number): number {
  return Object.entries(counts)
    .filter(([key]) => key.split(" ")[1] === String(status))
    .reduce((sum, [, n]) => sum + n, 0);
}

const LIMITS = {
  // The lockout threshold and the per-IP sign-in budget of these tests; everything else wide open.
  lockout: { threshold: 3, baseSeconds: 60 },
  rateLimit: {
    signIn: { perIP: 6, perAccount: 1_000 },
    register: { perIP: 1_000, perAccount: 1_000 },
    email: { perIP: 1_000, perAccount: 1_000 },
    confirm: { perIP: 1_000, perAccount: 1_000 },
  },
};

describe(`two app processes on one ${testEngine()} database`, () => {
  let a: Instance;
  let b: Instance;
  let db: Awaited<ReturnType<typeof createTestDatabase>>["db"];
  let cleanup: () => void;
  const log: string[] = [];
  const both = () => [a, b] as const;
  /** Distinct addresses per request, where a test is not about the per-IP budget. */
  let ipCount = 0;
  const nextIP = () => `203.0.113.${(++ipCount % 250) + 1}`;

  beforeAll(async () => {
    assertFreshBuild();
    const t = await createTestDatabase();
    db = t.db;
    cleanup = t.cleanup;
    [a, b] = await Promise.all([Instance.start("A", t.url, LIMITS), Instance.start("B", t.url, LIMITS)]);
    log.push(`engine ${testEngine()}: instance A pid ${a.child.pid}, instance B pid ${b.child.pid}`);
  }, 60_000);

  afterAll(() => {
    for (const instance of [a, b]) instance?.stop();
    cleanup?.();
    console.log(log.join("\n"));
  });

  async function signUp(instance: Instance, email: string): Promise<string> {
    const answer = await instance.request("POST", "/api/auth/sign-up/email", {
      json: { email, password: PASSWORD, name: "Instance User" },
      ip: nextIP(),
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return String((answer.body as { token: string }).token);
  }

  it("rejects a session on one instance as soon as the other revoked it", async () => {
    await signUp(a, "revoke@instances.test");
    // A browser signs in through A's Auth.js route; a mobile client through B's JSON API.
    const browser = await a.routeSignIn("revoke@instances.test", PASSWORD, nextIP());
    expect(browser.cookies.get("authjs.session-token")).toBeDefined();
    const mobile = await b.request("POST", "/api/auth/sign-in/email", {
      json: { email: "revoke@instances.test", password: PASSWORD },
      ip: nextIP(),
    });
    const bearer = String((mobile.body as { token: string }).token);

    // Each session works on both instances.
    for (const instance of both()) {
      const viaCookie = await instance.request("GET", "/api/auth/session", { cookies: browser.cookies });
      expect((viaCookie.body as { user?: { email?: string } }).user?.email).toBe("revoke@instances.test");
      const viaBearer = await instance.request("GET", "/api/auth/get-session", { bearer });
      expect((viaBearer.body as { user?: { email?: string } }).user?.email).toBe("revoke@instances.test");
    }
    // The browser's session, revoked from the mobile client through B…
    const own = await b.request("GET", "/api/auth/get-session", { cookies: browser.cookies });
    const sessionId = (own.body as { session: { id: string } }).session.id;
    const revoked = await b.request("POST", "/api/auth/revoke-session", { json: { token: sessionId }, bearer });
    expect(revoked.status).toBe(200);
    // …is refused by A on its next request, through its Auth.js route and its JSON API.
    const routeAfter = await a.request("GET", "/api/auth/session", { cookies: browser.cookies });
    const apiAfter = await a.request("GET", "/api/auth/get-session", { cookies: browser.cookies });
    expect(routeAfter.body).toBeNull();
    expect(apiAfter.body).toBeNull();
    // And the mobile session, signed out through A, is refused by B.
    expect((await a.request("POST", "/api/auth/sign-out", { json: {}, bearer })).status).toBe(200);
    const bearerAfter = await b.request("GET", "/api/auth/get-session", { bearer });
    expect(bearerAfter.body).toBeNull();
    log.push(
      `revocation: cookie session revoked via B → A's /api/auth/session ${JSON.stringify(routeAfter.body)}, /get-session ${JSON.stringify(apiAfter.body)}; bearer signed out via A → B's /get-session ${JSON.stringify(bearerAfter.body)}`,
    );
  });

  it("shares the per-IP sign-in budget: 20 attempts from one address across both, 6 counted", async () => {
    const ip = "192.0.2.66";
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const instance = i % 2 === 0 ? a : b;
        const answer = await instance.request("POST", "/api/auth/sign-in/email", {
          json: { email: `nobody-${i}@instances.test`, password: "wrong password" },
          ip,
        });
        return { instance: instance.name, answer };
      }),
    );
    const counts = tally(results);
    log.push(`per-IP budget 6, 20 concurrent sign-ins from one IP: ${JSON.stringify(counts)}`);
    expect(withStatus(counts, 401)).toBe(6);
    expect(withStatus(counts, 429)).toBe(14);
    // Both instances refused some: neither counted alone.
    expect(results.filter((r) => r.instance === "A" && r.answer.status === 429).length).toBeGreaterThan(0);
    expect(results.filter((r) => r.instance === "B" && r.answer.status === 429).length).toBeGreaterThan(0);
  });

  it("shares the lockout: a burst of wrong passwords across both checks at most the threshold", async () => {
    await signUp(a, "lock@instances.test");
    const results = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const instance = i % 2 === 0 ? a : b;
        const answer = await instance.request("POST", "/api/auth/sign-in/email", {
          json: { email: "lock@instances.test", password: "wrong password" },
          ip: nextIP(),
        });
        return { instance: instance.name, answer };
      }),
    );
    const counts = tally(results);
    // Then the right password, through the other kind of entry point on each.
    const route = await b.routeSignIn("lock@instances.test", PASSWORD, nextIP());
    const api = await a.request("POST", "/api/auth/sign-in/email", {
      json: { email: "lock@instances.test", password: PASSWORD },
      ip: nextIP(),
    });
    log.push(
      `lockout threshold 3, 12 concurrent wrong passwords: ${JSON.stringify(counts)}; then the right password: B's route → ${new URL(route.location ?? "http://x/").searchParams.get("code")}, A's API → ${api.status} ${(api.body as { code?: string }).code}`,
    );
    expect(withStatus(counts, 401)).toBe(3);
    expect(withStatus(counts, 423)).toBe(9);
    expect(route.location).toContain("code=ACCOUNT_LOCKED");
    expect(route.cookies.has("authjs.session-token")).toBe(false);
    expect(api.status).toBe(423);
  });

  it("creates exactly one user from 50 concurrent registrations of one email across both", async () => {
    const email = "race@instances.test";
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const instance = i % 2 === 0 ? a : b;
        const answer = await instance.request("POST", "/api/auth/sign-up/email", {
          json: { email, password: PASSWORD, name: `Racer ${i}` },
          ip: nextIP(),
        });
        return { instance: instance.name, answer };
      }),
    );
    const counts = tally(results);
    const rows = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
    const credentials = await queryAll<{ n: number | string }>(
      db,
      sql`SELECT count(*) AS n FROM ${accounts} WHERE ${accounts.userId} = ${rows[0]?.id ?? ""}`,
    );
    log.push(`50 concurrent registrations of one email: ${JSON.stringify(counts)}; users with it: ${rows.length}`);
    expect(withStatus(counts, 200)).toBe(1);
    // The others: ConflictError, in the JSON API's words.
    expect(
      results.filter(
        (r) =>
          r.answer.status === 422 &&
          (r.answer.body as { code?: string }).code === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
      ),
    ).toHaveLength(49);
    expect(rows).toHaveLength(1);
    expect(Number(credentials[0]?.n)).toBe(1);
  });

  it("consumes a one-time token once when both instances confirm it at the same moment", async () => {
    const rounds = 10;
    const results: { instance: string; answer: Answer }[] = [];
    for (let round = 0; round < rounds; round++) {
      const email = `reset-${round}@instances.test`;
      await signUp(round % 2 === 0 ? a : b, email);
      const requester = round % 2 === 0 ? b : a;
      expect((await requester.request("POST", "/api/auth/request-password-reset", { json: { email } })).status).toBe(
        200,
      );
      const token = requester.mailedToken(email);
      const pair = await Promise.all(
        both().map(async (instance) => ({
          instance: instance.name,
          answer: await instance.request("POST", "/api/auth/reset-password", {
            json: { token, newPassword: `${PASSWORD} ${instance.name}` },
            ip: nextIP(),
          }),
        })),
      );
      // Exactly one of the two: the other finds no token.
      expect(pair.map((r) => r.answer.status).sort()).toEqual([200, 400]);
      expect(pair.find((r) => r.answer.status === 400)?.answer.body).toMatchObject({ code: "INVALID_TOKEN" });
      // The winner's password is the account's.
      const winner = pair.find((r) => r.answer.status === 200)?.instance;
      const signIn = await a.request("POST", "/api/auth/sign-in/email", {
        json: { email, password: `${PASSWORD} ${winner}` },
        ip: nextIP(),
      });
      expect(signIn.status).toBe(200);
      results.push(...pair);
    }
    const counts = tally(results);
    log.push(`${rounds} reset tokens, each confirmed on both at once: ${JSON.stringify(counts)}`);
    expect(withStatus(counts, 200)).toBe(rounds);
    expect(withStatus(counts, 400)).toBe(rounds);
  });
});
