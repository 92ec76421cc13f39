import { createPublicKey, type JsonWebKey, verify } from "node:crypto";
import { Browser } from "../browser.js";
import { CHEAP_SCRYPT, tetrastack } from "../contenders.js";
import { asComponent, type BenchContext, check, componentScope, pace } from "../context.js";
import { race, ratio, stats } from "../harness.js";
import type { Figure, Section } from "../report.js";
import { PASSWORD } from "../seed.js";

/** Names of the contenders, used for the ratios and the notes. */
export const T = {
  keyCounted: "verifyAPIKey(key), per-key rate limit counted in the database (default)",
  keyMemory: 'verifyAPIKey(key), rate limit counted in memory (rateLimit.storage: "memory")',
  keyUncounted: "verifyAPIKey(key), apiKeys.rateLimit: false",
  keyRequest: "verifyAPIKey(request) with x-api-key, rate limit counted",
  access: "verifyAccessToken(token), EdDSA, key cached",
  floorQuery: "floor: @libsql/client indexed point SELECT (api_keys by key_hash, the same client)",
  floorEd25519: "floor: one Ed25519 verification (node:crypto, key object built once)",
} as const;

// The verification side of issue 14's tokens: what a route pays to accept an API key or an access
// token, against what it cannot avoid (one indexed query; one signature check).
export async function tokenVerification(context: BenchContext): Promise<Section> {
  const { db } = context;
  const common = { password: { scrypt: CHEAP_SCRYPT }, accessTokens: {} };
  // The default limit (600 a minute per key) would trip within a round: the same counting with a
  // ceiling no round reaches, so what is measured is the cost of counting, not of refusing.
  const counted = tetrastack(db, { ...common, apiKeys: { rateLimit: { window: 60, max: 1_000_000_000 } } });
  const memory = tetrastack(db, {
    ...common,
    apiKeys: { rateLimit: { window: 60, max: 1_000_000_000 } },
    rateLimit: { storage: "memory" },
  });
  const uncounted = tetrastack(db, { ...common, apiKeys: { rateLimit: false } });

  const email = "tokens@bench.test";
  const registered = await counted.registerUser({ email, password: PASSWORD, name: "Token User" }, { ip: null });
  const userId = registered.user?.id;
  check(userId, "no user for the token section");
  const { key } = await counted.createAPIKey(userId, { name: "bench", scopes: ["notes:read"] });
  check((await uncounted.verifyAPIKey(key)).userId === userId, "verifyAPIKey does not find the key");

  // An access token for a live session, as a Server Component or Route Handler gets it.
  const browser = new Browser(counted.handlers, "198.51.100.91");
  await browser.signIn(email, PASSWORD);
  const cookie = browser.cookies.get("authjs.session-token");
  check(cookie, "no session for the access token");
  const { token } = await asComponent(componentScope({ "authjs.session-token": cookie }), () =>
    counted.getAccessToken(),
  );
  check((await counted.verifyAccessToken(token)).sub === userId, "verifyAccessToken does not return the user");

  // Floor 1: the verification lookup's SQL, on the package's own connection, hash precomputed.
  const [hashRow] = (
    await db.$client.execute({ sql: "SELECT key_hash FROM api_keys WHERE user_id = ? LIMIT 1", args: [userId] })
  ).rows;
  const keyHash = String(hashRow?.key_hash ?? "");
  const pointSQL =
    "SELECT id, user_id, name, scopes, expires_at, last_used_at FROM api_keys WHERE key_hash = ? LIMIT 1";
  check(
    (await db.$client.execute({ sql: pointSQL, args: [keyHash] })).rows.length === 1,
    "the floor query finds no row",
  );

  // Floor 2: the token's own signature checked with the published key, nothing else.
  const [header = "", payload = "", signature = ""] = token.split(".");
  const kid = (JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { kid?: string }).kid;
  const jwk = (await counted.getJWKS()).keys.find((candidate) => candidate.kid === kid);
  check(jwk, "the token's key is not in the JWKS");
  const publicKey = createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
  const signed = Buffer.from(`${header}.${payload}`);
  const signatureBytes = Buffer.from(signature, "base64url");
  check(verify(null, signed, publicKey, signatureBytes), "the Ed25519 floor does not verify the token");

  const keyRequest = () => new Request("http://localhost:3000/api/v1/notes", { headers: { "x-api-key": key } });
  context.log("  API keys and access tokens");
  const rates = await race(
    [
      { name: T.keyCounted, op: () => counted.verifyAPIKey(key) },
      { name: T.keyMemory, op: () => memory.verifyAPIKey(key) },
      { name: T.keyUncounted, op: () => uncounted.verifyAPIKey(key) },
      { name: T.keyRequest, op: () => counted.verifyAPIKey(keyRequest()) },
      { name: T.access, op: () => counted.verifyAccessToken(token) },
      { name: T.floorQuery, op: () => db.$client.execute({ sql: pointSQL, args: [keyHash] }) },
      { name: T.floorEd25519, op: async () => verify(null, signed, publicKey, signatureBytes) },
    ],
    pace(context, 9, 400),
  );
  const series = (name: string) => rates.get(name) ?? [];
  const figures: Figure[] = Object.values(T).map((name) => ({ name, unit: "req/s", stats: stats(series(name)) }));
  const ratios: Figure[] = [
    {
      name: "verifyAPIKey(key), rate limit counted ÷ point SELECT",
      unit: "×",
      stats: ratio(series(T.keyCounted), series(T.floorQuery)),
    },
    {
      name: "verifyAPIKey(key), no rate limit ÷ point SELECT",
      unit: "×",
      stats: ratio(series(T.keyUncounted), series(T.floorQuery)),
    },
    {
      name: "verifyAPIKey(key), rate limit counted ÷ no rate limit",
      unit: "×",
      stats: ratio(series(T.keyCounted), series(T.keyUncounted)),
    },
    {
      name: "verifyAPIKey(key), rate limit counted in memory ÷ no rate limit",
      unit: "×",
      stats: ratio(series(T.keyMemory), series(T.keyUncounted)),
    },
    {
      name: "verifyAccessToken() ÷ one Ed25519 verification",
      unit: "×",
      stats: ratio(series(T.access), series(T.floorEd25519)),
    },
    {
      name: "verifyAccessToken() ÷ verifyAPIKey(key), rate limit counted",
      unit: "×",
      stats: ratio(series(T.access), series(T.keyCounted)),
    },
  ];
  return {
    title: "API keys and access tokens (verification)",
    method:
      "One caller, verifications back to back, outside any request scope (as a script or a worker calls them; a Route Handler adds its own request). API keys: one key with a scope, verified by the key string through three instances on the same database: one counting each request against the key's rate limit in the database (the default; its ceiling raised so no round trips it), one counting in memory (`rateLimit.storage: \"memory\"`), and one with `apiKeys.rateLimit: false`, plus a `Request` with `x-api-key`. Access tokens: one EdDSA token from `getAccessToken()`, verified after its key is cached (signature, `kid`, algorithm, issuer, audience, expiry). The floors run in the same rounds: the verification lookup's SQL through the package's own @libsql/client connection (hash precomputed), and the token's Ed25519 signature checked with node:crypto against the published key.",
    figures,
    ratios,
    notes: [],
  };
}
