import { createRequire } from "node:module";
import { hashPassword, hashSessionToken } from "@tetrastack/backend/auth";
import { EncryptJWT, jwtDecrypt } from "jose";
import { decode as decodeJWT } from "next-auth/jwt";
import { Browser, ORIGIN } from "../browser.js";
import { betterAuthOn, CHEAP_SCRYPT, plainDatabase, plainJWT, tetrastack } from "../contenders.js";
import { asComponent, type BenchContext, check, componentScope, pace } from "../context.js";
import { connect, drizzleOn, plainUsers, SECRET } from "../fixture.js";
import { type Contender, race, ratio, stats } from "../harness.js";
import { type Figure, type Section, target } from "../report.js";

const PASSWORD = "correct horse battery staple";
const COOKIE = "authjs.session-token";

/** The cookies a better-auth sign-in sets (token, and the session cache when enabled). */
function cookiesOf(response: Response): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const header of response.headers.getSetCookie()) {
    const [pair = ""] = header.split(";");
    const index = pair.indexOf("=");
    const value = pair.slice(index + 1);
    if (value) jar[pair.slice(0, index)] = value;
  }
  return jar;
}

function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");
}

/** Names of the contenders, used for the ratios (and by other sections). */
export const S = {
  getSession: "tetrastack getSession() (Server Component)",
  fromRequest: "tetrastack getSessionFromRequest(request)",
  auth: "tetrastack auth() (Server Component, through Auth.js)",
  handler: "tetrastack GET /api/auth/session (route handler)",
  apiCookie: "tetrastack GET /api/auth/get-session (JSON API handler, cookie)",
  apiBearer: "tetrastack GET /api/auth/get-session (JSON API handler, bearer)",
  plainDbAuth: "Auth.js database auth() (Server Component)",
  plainDbHandler: "Auth.js database GET /api/auth/session",
  plainJwtAuth: "Auth.js JWT auth() (Server Component)",
  plainJwtHandler: "Auth.js JWT GET /api/auth/session",
  baNoCache: "better-auth api.getSession(), no cookie cache",
  baCache: "better-auth api.getSession(), cookie cache",
  baHandler: "better-auth GET /api/auth/get-session, no cookie cache",
  floorQuery: "floor: @libsql/client indexed point SELECT",
  floorJWE: "floor: one JWE decrypt (jose, key derived once)",
  floorDecode: "floor: Auth.js jwt decode() (HKDF + JWE decrypt)",
  joinAll: "@libsql/client: the package's lookup (sessions ⋈ users, all 15 columns)",
  joinNarrow: "@libsql/client: same lookup, 11 columns (session id, expires, created_at, user_id + user row)",
  joinJSON: "@libsql/client: same lookup, 4 columns (3 session columns + the user row as one json_object)",
  cached: "libsql statement prepared once: the point SELECT without @libsql/client's per-call prepare",
} as const;

const JOIN = "FROM sessions s INNER JOIN users u ON u.id = s.user_id WHERE s.session_token = ? LIMIT 1";
const USER_JSON =
  "json_object('id', u.id, 'name', u.name, 'email', u.email, 'email_verified', u.email_verified, 'image', u.image, 'created_at', u.created_at, 'updated_at', u.updated_at)";

export async function sessionResolution(context: BenchContext): Promise<Section> {
  const { db, url } = context;
  // --- This package: a registered user signs in through the real handlers (csrf + callback).
  const tetra = tetrastack(db, { password: { scrypt: CHEAP_SCRYPT }, api: {} });
  await tetra.registerUser({ email: "session@bench.test", password: PASSWORD, name: "Session User" }, { ip: null });
  const browser = new Browser(tetra.handlers);
  await browser.signIn("session@bench.test", PASSWORD);
  const token = browser.cookies.get(COOKIE);
  check(token, "the package's sign-in set no session cookie");

  // --- Plain Auth.js, database strategy: a session row as an OAuth sign-in leaves it.
  const plainClient = connect(url);
  const plainDb = drizzleOn(plainClient);
  const passwordHash = await hashPassword(PASSWORD, { ...CHEAP_SCRYPT, keyLength: 32, saltLength: 16 });
  const [plainUser] = await plainDb
    .insert(plainUsers)
    .values({ name: "Session User", email: "session@bench.test", password: passwordHash })
    .returning();
  check(plainUser, "no plain Auth.js user");
  const plainDatabaseAuth = plainDatabase(plainClient);
  const plainToken = await plainDatabaseAuth.createSession(plainUser.id);

  // --- Plain Auth.js, JWT strategy: the credentials sign-in through its handlers.
  const jwtAuth = plainJWT(plainClient);
  const jwtBrowser = new Browser(jwtAuth.handlers);
  await jwtBrowser.signIn("session@bench.test", PASSWORD);
  const jwtToken = jwtBrowser.cookies.get(COOKIE);
  check(jwtToken, "plain Auth.js JWT sign-in set no cookie");

  // --- better-auth: sign up, then sign in through its handler to get its signed cookies.
  const baClient = connect(url);
  const baPlain = betterAuthOn(baClient, { cookieCache: false });
  const baCached = betterAuthOn(baClient, { cookieCache: true });
  await baCached.api.signUpEmail({ body: { email: "session@bench.test", password: PASSWORD, name: "Session User" } });
  const baResponse = await baCached.handler(
    new Request(`${ORIGIN}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ email: "session@bench.test", password: PASSWORD }),
    }),
  );
  const baCookies = cookiesOf(baResponse);
  check(baCookies["better-auth.session_token"], `better-auth sign-in set no token cookie (${baResponse.status})`);
  check(baCookies["better-auth.session_data"], "better-auth sign-in set no cache cookie");
  const baTokenOnly = { "better-auth.session_token": baCookies["better-auth.session_token"] };
  const baHeadersPlain = new Headers({ cookie: cookieHeader(baTokenOnly) });
  const baHeadersCached = new Headers({ cookie: cookieHeader(baCookies) });

  // --- Floors: the raw indexed read, and one JWE decryption.
  const floorClient = connect(url);
  const tokenHash = hashSessionToken(token);
  const jweKey = new Uint8Array(64).fill(7);
  const jwe = await new EncryptJWT({ name: "Session User", email: "session@bench.test", sub: plainUser.id })
    .setProtectedHeader({ alg: "dir", enc: "A256CBC-HS512" })
    .setIssuedAt()
    .setExpirationTime("30d")
    .encrypt(jweKey);

  // libsql itself (what @libsql/client drives), with one statement prepared once and reused.
  const requireFromClient = createRequire(createRequire(import.meta.url).resolve("@libsql/client"));
  const Native = requireFromClient("libsql") as new (
    path: string,
  ) => {
    prepare(sql: string): { get(...args: unknown[]): unknown };
    close(): void;
  };
  const native = new Native(url.slice("file:".length));
  const cachedPointSelect = native.prepare("SELECT * FROM sessions WHERE session_token = ?");

  const tetraScope = componentScope({ [COOKIE]: token });
  const plainScope = componentScope({ [COOKIE]: plainToken });
  const jwtScope = componentScope({ [COOKIE]: jwtToken });
  const get = (path: string, cookies: string) =>
    new Request(`${ORIGIN}${path}`, { headers: { cookie: cookies, "x-forwarded-for": "198.51.100.23" } });
  const email = (session: unknown): unknown => (session as { user?: { email?: unknown } } | null)?.user?.email;

  const contenders: Contender[] = [
    { name: S.getSession, op: () => asComponent(tetraScope, () => tetra.getSession()) },
    { name: S.fromRequest, op: () => tetra.getSessionFromRequest(get("/", `${COOKIE}=${token}`)) },
    { name: S.auth, op: () => asComponent(tetraScope, () => tetra.auth()) },
    {
      name: S.handler,
      op: async () => (await tetra.handlers.GET(get("/api/auth/session", `${COOKIE}=${token}`) as never)).json(),
    },
    {
      name: S.apiCookie,
      op: async () => (await tetra.apiHandlers.GET(get("/api/auth/get-session", `${COOKIE}=${token}`))).json(),
    },
    {
      name: S.apiBearer,
      op: async () =>
        (
          await tetra.apiHandlers.GET(
            new Request(`${ORIGIN}/api/auth/get-session`, {
              headers: { authorization: `Bearer ${token}`, "x-forwarded-for": "198.51.100.23" },
            }),
          )
        ).json(),
    },
    { name: S.plainDbAuth, op: () => asComponent(plainScope, () => plainDatabaseAuth.auth.auth()) },
    {
      name: S.plainDbHandler,
      op: async () =>
        (
          await plainDatabaseAuth.auth.handlers.GET(get("/api/auth/session", `${COOKIE}=${plainToken}`) as never)
        ).json(),
    },
    { name: S.plainJwtAuth, op: () => asComponent(jwtScope, () => jwtAuth.auth()) },
    {
      name: S.plainJwtHandler,
      op: async () => (await jwtAuth.handlers.GET(get("/api/auth/session", `${COOKIE}=${jwtToken}`) as never)).json(),
    },
    { name: S.baNoCache, op: () => baPlain.api.getSession({ headers: baHeadersPlain }) },
    { name: S.baCache, op: () => baCached.api.getSession({ headers: baHeadersCached }) },
    {
      name: S.baHandler,
      op: async () => (await baPlain.handler(get("/api/auth/get-session", cookieHeader(baTokenOnly)))).json(),
    },
    {
      name: S.floorQuery,
      op: () => floorClient.execute({ sql: "SELECT * FROM sessions WHERE session_token = ?", args: [tokenHash] }),
    },
    { name: S.floorJWE, op: () => jwtDecrypt(jwe, jweKey) },
    { name: S.joinAll, op: () => floorClient.execute({ sql: `SELECT s.*, u.* ${JOIN}`, args: [tokenHash] }) },
    {
      name: S.joinNarrow,
      op: () =>
        floorClient.execute({ sql: `SELECT s.id, s.expires, s.created_at, s.user_id, u.* ${JOIN}`, args: [tokenHash] }),
    },
    {
      name: S.joinJSON,
      op: async () => {
        const result = await floorClient.execute({
          sql: `SELECT s.id, s.expires, s.created_at, ${USER_JSON} AS user ${JOIN}`,
          args: [tokenHash],
        });
        return JSON.parse(String(result.rows[0]?.user));
      },
    },
    { name: S.cached, op: async () => cachedPointSelect.get(tokenHash) },
    { name: S.floorDecode, op: () => decodeJWT({ token: jwtToken, secret: SECRET, salt: COOKIE }) },
  ];

  // Every contender must really resolve the session before it is timed.
  const expected = "session@bench.test";
  for (const contender of contenders) {
    if (!/^(tetrastack|Auth\.js|better-auth) /.test(contender.name)) continue;
    const result = (await contender.op()) as unknown;
    check(email(result) === expected, `${contender.name} did not resolve the session: ${JSON.stringify(result)}`);
  }
  check(
    (await floorClient.execute({ sql: "SELECT 1 FROM sessions WHERE session_token = ?", args: [tokenHash] })).rows
      .length === 1,
    "the floor query finds no row",
  );
  check((await jwtDecrypt(jwe, jweKey)).payload.email === expected, "the JWE floor decrypts nothing");
  check((await decodeJWT({ token: jwtToken, secret: SECRET, salt: COOKIE }))?.email === expected, "decode() failed");

  context.log(`  session resolution: ${contenders.length} contenders`);
  const rates = await race(contenders, pace(context, 7, 250));
  native.close();
  const series = (name: string): number[] => rates.get(name) ?? [];

  const figures: Figure[] = contenders.map((contender) => ({
    name: contender.name,
    unit: "req/s",
    stats: stats(series(contender.name)),
  }));
  const getVsPlain = ratio(series(S.getSession), series(S.plainDbAuth));
  const getVsFloor = ratio(series(S.getSession), series(S.floorQuery));
  const authVsPlain = ratio(series(S.auth), series(S.plainDbAuth));
  const handlerVsPlain = ratio(series(S.handler), series(S.plainDbHandler));
  const ratios: Figure[] = [
    {
      name: "getSession() ÷ Auth.js database auth()",
      unit: "×",
      stats: getVsPlain,
      target: target("≥ 5×", getVsPlain.median, { atLeast: 5 }),
    },
    {
      name: "getSession() ÷ @libsql/client point SELECT",
      unit: "×",
      stats: getVsFloor,
      target: target("≥ 0.5×", getVsFloor.median, { atLeast: 0.5 }),
    },
    {
      name: "tetrastack auth() ÷ Auth.js database auth()",
      unit: "×",
      stats: authVsPlain,
      target: target("≥ 1.0×", authVsPlain.median, { atLeast: 1 }),
    },
    {
      name: "tetrastack /api/auth/session ÷ Auth.js database /api/auth/session",
      unit: "×",
      stats: handlerVsPlain,
      target: target("≥ 1.0×", handlerVsPlain.median, { atLeast: 1 }),
    },
    {
      name: "JSON API get-session (cookie) ÷ getSessionFromRequest()",
      unit: "×",
      stats: ratio(series(S.apiCookie), series(S.fromRequest)),
    },
    {
      name: "JSON API get-session (bearer) ÷ getSessionFromRequest()",
      unit: "×",
      stats: ratio(series(S.apiBearer), series(S.fromRequest)),
    },
    {
      name: "JSON API get-session (cookie) ÷ better-auth GET /api/auth/get-session",
      unit: "×",
      stats: ratio(series(S.apiCookie), series(S.baHandler)),
    },
    {
      name: "getSession() ÷ Auth.js database /api/auth/session",
      unit: "×",
      stats: ratio(series(S.getSession), series(S.plainDbHandler)),
    },
    {
      name: "getSession() ÷ Auth.js JWT auth()",
      unit: "×",
      stats: ratio(series(S.getSession), series(S.plainJwtAuth)),
    },
    {
      name: "getSession() ÷ better-auth getSession(), no cache",
      unit: "×",
      stats: ratio(series(S.getSession), series(S.baNoCache)),
    },
    {
      name: "getSession() ÷ better-auth getSession(), cookie cache",
      unit: "×",
      stats: ratio(series(S.getSession), series(S.baCache)),
    },
    {
      name: "the package's lookup SQL (15 columns) ÷ point SELECT, both through @libsql/client",
      unit: "×",
      stats: ratio(series(S.joinAll), series(S.floorQuery)),
    },
    {
      name: "getSession() ÷ the package's lookup SQL alone",
      unit: "×",
      stats: ratio(series(S.getSession), series(S.joinAll)),
    },
    {
      name: "tetrastack auth() ÷ Auth.js JWT auth()",
      unit: "×",
      stats: ratio(series(S.auth), series(S.plainJwtAuth)),
    },
  ];
  return {
    title: "Session resolution (the per-request hot path)",
    method:
      "One caller, requests back to back: resolving a valid session from its cookie. All databases are the same libSQL file (WAL). Server Component calls run inside a stubbed `next/headers` request scope (read-only cookies), as Next runs them; route handlers get a new `Request` per call.",
    figures,
    ratios,
    notes: [],
  };
}
