/**
 * Access tokens (issue 14, item 1): `GET /token`/`getAccessToken()`, `GET /jwks`,
 * `verifyAccessToken()`, the signing keys in the `jwks` table (lazy, one per rotation period
 * across instances, rotated with an overlap, sealed under AUTH_SECRET), every algorithm, and the
 * attacks on JWT verification (`alg: none`, the RS/HS confusion, a kid of nobody's, tampering),
 * through the real JSON API served over HTTP. Nothing is mocked but the mail (captured).
 *
 * @see /tmp/issues/14.md (issue 14)
 */
import { createHmac, createPublicKey, generateKeyPairSync, sign as signBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createAuth, isTetrastackError } from "../src/auth/index.js";
import { TEST_SECRET } from "./auth-helpers.js";
import { jwks, sessions } from "./engines/tables.js";
import { createTestDatabase, openSecondClient } from "./helpers.js";
import { rejection } from "./lifecycle-helpers.js";
import { call, decodeJWT, forgeJWT, signUp, type TokenInstance, tokenInstance } from "./token-helpers.js";

const ISSUER = "http://localhost:3000";
const HS_SECRET = "a-dedicated-hs256-secret-for-the-python-service-0123";

afterEach(() => {
  vi.useRealTimers();
});

/** A token from `GET /token` for a new user of `target`. */
async function tokenFor(target: TokenInstance, email: string, query = ""): Promise<string> {
  const { token } = await signUp(target, email);
  const answer = await call(target, "GET", `/token${query}`, { bearer: token });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body as { token: string }).token;
}

/** Moves `Date` (only) to `at`: the clock every expiry and rotation reads. */
function setClock(at: number): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(at);
}

async function refusal(target: TokenInstance, token: unknown, audience?: string): Promise<string | undefined> {
  const error = await rejection(target.auth.verifyAccessToken(token as string, audience ? { audience } : undefined));
  expect(isTetrastackError(error), String(error)).toBe(true);
  return error.code;
}

let main: TokenInstance;
beforeAll(async () => {
  main = await tokenInstance({ accessTokens: { audience: [ISSUER, "python-service"] } });
});
afterAll(() => main.stop());

describe("GET /token and getAccessToken()", () => {
  it("issues an EdDSA JWT for the signed-in caller: sub, sid, iat, exp 15 minutes on, iss, aud, and a kid of /jwks", async () => {
    const { token: sessionToken, userId } = await signUp(main, "claims@example.com");
    const answer = await call(main, "GET", "/token", { bearer: sessionToken });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const { token } = answer.body as { token: string };
    expect(Object.keys(answer.body as object)).toEqual(["token"]);
    const { header, payload } = decodeJWT(token);
    const [session] = await main.db.select().from(sessions).where(eq(sessions.userId, userId));
    expect(header).toEqual({ alg: "EdDSA", kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), typ: "JWT" });
    expect(payload).toEqual({
      sub: userId,
      sid: session?.id,
      iss: ISSUER,
      aud: ISSUER,
      iat: expect.any(Number),
      exp: (payload.iat as number) + 900,
    });
    expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(5);

    // An implementation that is not ours (jose's own JWKS verifier) accepts it with the served keys.
    const set = (await call(main, "GET", "/jwks")).body as { keys: { kid: string }[] };
    expect(set.keys.map((key) => key.kid)).toContain(header.kid);
    const verified = await jwtVerify(token, createLocalJWKSet(set as never), {
      issuer: ISSUER,
      audience: ISSUER,
      algorithms: ["EdDSA"],
    });
    expect(verified.payload.sub).toBe(userId);
    expect(await main.auth.verifyAccessToken(token)).toMatchObject({ sub: userId, sid: session?.id });
  });

  it("issues only for a live session: none, a malformed one or a revoked one get 401 UNAUTHORIZED", async () => {
    expect(await call(main, "GET", "/token")).toMatchObject({ status: 401, body: { code: "UNAUTHORIZED" } });
    expect(await call(main, "GET", "/token", { bearer: "not-a-session-token" })).toMatchObject({ status: 401 });
    const { token, userId } = await signUp(main, "revoked@example.com");
    expect((await call(main, "GET", "/token", { bearer: token })).status).toBe(200);
    await main.auth.revokeAllSessions(userId);
    expect(await call(main, "GET", "/token", { bearer: token })).toMatchObject({
      status: 401,
      body: { code: "UNAUTHORIZED" },
    });
  });

  it("issues for another configured audience (?audience=), and refuses one that is not configured", async () => {
    const token = await tokenFor(main, "audience@example.com", "?audience=python-service");
    expect(decodeJWT(token).payload.aud).toBe("python-service");
    expect(await main.auth.verifyAccessToken(token, { audience: "python-service" })).toMatchObject({
      aud: "python-service",
    });
    expect(await refusal(main, token)).toBe("ACCESS_TOKEN_WRONG_AUDIENCE");
    const { token: session } = await signUp(main, "audience2@example.com");
    expect(await call(main, "GET", "/token?audience=https://evil.example", { bearer: session })).toMatchObject({
      status: 400,
      body: { code: "VALIDATION_ERROR" },
    });
  });

  it("answers 404 on /token, /jwks and /token/refresh when the options are off, and getAccessToken() says which option", async () => {
    const off = await tokenInstance();
    try {
      const { token } = await signUp(off, "off@example.com");
      expect(await call(off, "GET", "/token", { bearer: token })).toMatchObject({
        status: 404,
        body: { code: "NOT_FOUND" },
      });
      expect((await call(off, "GET", "/jwks")).status).toBe(404);
      expect((await call(off, "POST", "/token/refresh", { body: { refreshToken: "x" } })).status).toBe(404);
      const error = await rejection(off.auth.verifyAccessToken("x"));
      expect(error).toMatchObject({ code: "CONFIG_INVALID", message: expect.stringContaining("accessTokens") });
    } finally {
      await off.stop();
    }
  });
});

describe("GET /jwks", () => {
  it("serves only public keys, cacheable, with the next period's key already published", async () => {
    await tokenFor(main, "jwks@example.com");
    const answer = await call(main, "GET", "/jwks");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("public, max-age=300");
    const { keys } = answer.body as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).toEqual({
        kty: "OKP",
        crv: "Ed25519",
        x: expect.any(String),
        kid: expect.any(String),
        alg: "EdDSA",
        use: "sig",
      });
      expect(key).not.toHaveProperty("d");
    }
    const rows = await main.db.select().from(jwks);
    expect(rows.map((row) => row.kid).sort()).toEqual(keys.map((key) => key.kid).sort());
    const [current, next] = [...rows].sort((a, b) => a.notBefore.getTime() - b.notBefore.getTime());
    expect(current?.notBefore.getTime()).toBeLessThanOrEqual(Date.now());
    expect(next?.notBefore.getTime()).toBe(current?.notAfter.getTime());
  });
});

describe("signing keys", () => {
  it("makes one key per rotation period however many instances ask at once: no duplicates, none per request", async () => {
    const t = await createTestDatabase();
    const second = await openSecondClient(t);
    // Two app instances, each on its own client of one database, neither with a key yet.
    const first = await tokenInstance({ accessTokens: {} }, { db: t.db });
    const other = await tokenInstance({ accessTokens: {} }, { db: second.db });
    try {
      const instances = [first, other];
      const users = await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          signUp(instances[index % 2] as TokenInstance, `race${index}@example.com`),
        ),
      );
      const tokens = await Promise.all(
        users.flatMap(({ token }, index) =>
          [0, 1, 2].map(async () => {
            const answer = await call(instances[index % 2] as TokenInstance, "GET", "/token", { bearer: token });
            return (answer.body as { token: string }).token;
          }),
        ),
      );
      expect(new Set(tokens.map((token) => decodeJWT(token).header.kid)).size).toBe(1);
      // The current period's key and the next one's: one row per slot, for 18 tokens from two instances.
      const rows = await t.db.select().from(jwks);
      expect(rows).toHaveLength(2);
      expect(new Set(rows.map((row) => row.slot)).size).toBe(2);
      for (const token of tokens) {
        expect((await first.auth.verifyAccessToken(token)).sub).toEqual(expect.any(String));
        expect((await other.auth.verifyAccessToken(token)).sub).toEqual(expect.any(String));
      }
    } finally {
      await first.stop();
      await other.stop();
      second.close();
      t.cleanup();
    }
  });

  it("rotates after rotationInterval: the next key signs, the previous one verifies its tokens until the overlap ends", async () => {
    const rotating = await tokenInstance({ accessTokens: { rotationInterval: 3600, rotationOverlap: 1800 } });
    try {
      const { token: session } = await signUp(rotating, "rotate@example.com");
      const get = async () =>
        ((await call(rotating, "GET", "/token", { bearer: session })).body as { token: string }).token;
      const boundary = Math.ceil((Date.now() + 1000) / 3_600_000) * 3_600_000; // the next period starts

      setClock(boundary - 30_000); // half a minute before: the current key signs
      const late = await get();
      const oldKid = decodeJWT(late).header.kid;

      setClock(boundary + 60_000); // a minute into the next period: the key published ahead signs
      const fresh = await get();
      const newKid = decodeJWT(fresh).header.kid;
      expect(newKid).not.toBe(oldKid);
      const kids = async () =>
        ((await call(rotating, "GET", "/jwks")).body as { keys: { kid: string }[] }).keys.map((key) => key.kid);
      expect(await kids()).toEqual(expect.arrayContaining([oldKid, newKid]));
      expect(await rotating.auth.verifyAccessToken(fresh)).toMatchObject({ sub: expect.any(String) });

      setClock(boundary + 600_000); // the old key's last token is still within its 15 minutes
      expect(await rotating.auth.verifyAccessToken(late)).toMatchObject({ sub: expect.any(String) });

      // The old key is published until it stopped signing + the overlap (30 minutes), then retired.
      const rows = await rotating.db.select().from(jwks);
      expect(rows.find((row) => row.kid === oldKid)?.expiresAt.getTime()).toBe(boundary + 1_800_000);
      setClock(boundary + 1_900_000);
      expect(await refusal(rotating, late)).toBe("ACCESS_TOKEN_UNKNOWN_KEY");
      expect(await kids()).not.toContain(oldKid);
      expect((await rotating.auth.prune()).signingKeys).toBe(1);
    } finally {
      vi.useRealTimers();
      await rotating.stop();
    }
  });

  it("keeps private keys sealed under AUTH_SECRET: the row holds no private JWK; a new secret starts a new key and old tokens still verify", async () => {
    const t = await tokenInstance({ accessTokens: {} });
    try {
      const token = await tokenFor(t, "sealed@example.com");
      const rows = await t.db.select().from(jwks);
      for (const row of rows) {
        expect(row.privateKey).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
        expect(row.privateKey).not.toContain('"d"');
        expect(JSON.parse(row.publicKey)).not.toHaveProperty("d");
      }
      // The same database with another AUTH_SECRET: it cannot open those keys, so it makes its own.
      const rotated = await tokenInstance({ accessTokens: {}, secret: `${TEST_SECRET}-rotated` }, { db: t.db });
      try {
        const fresh = await tokenFor(rotated, "sealed2@example.com");
        expect(decodeJWT(fresh).header.kid).not.toBe(decodeJWT(token).header.kid);
        expect(await t.db.select().from(jwks)).toHaveLength(4);
        // Tokens of the first key still verify: the public key needs no secret.
        expect(await rotated.auth.verifyAccessToken(token)).toMatchObject({ sub: expect.any(String) });
      } finally {
        await rotated.server.stop();
      }
    } finally {
      await t.stop();
    }
  });
});

describe("verifyAccessToken()", () => {
  it("refuses an expired token with ACCESS_TOKEN_EXPIRED", async () => {
    const token = await tokenFor(main, "expired@example.com");
    setClock(Date.now() + 901_000);
    expect(await refusal(main, token)).toBe("ACCESS_TOKEN_EXPIRED");
  });

  it("refuses a token of another issuer (ACCESS_TOKEN_WRONG_ISSUER) and of another audience (ACCESS_TOKEN_WRONG_AUDIENCE)", async () => {
    const other = await tokenInstance({ accessTokens: { issuer: "https://other.example" } }, { db: main.db });
    try {
      const foreign = await tokenFor(other, "issuer@example.com");
      expect(decodeJWT(foreign).payload.iss).toBe("https://other.example");
      expect(await refusal(main, foreign, "https://other.example")).toBe("ACCESS_TOKEN_WRONG_ISSUER");
      const token = await tokenFor(main, "aud@example.com");
      expect(await refusal(main, token, "https://billing.example")).toBe("ACCESS_TOKEN_WRONG_AUDIENCE");
    } finally {
      await other.server.stop();
    }
  });

  it("refuses a kid that names no key, and a token without kid (ACCESS_TOKEN_UNKNOWN_KEY)", async () => {
    const token = await tokenFor(main, "kid@example.com");
    const { header, payload } = decodeJWT(token);
    const signature = token.split(".")[2];
    const withKid = (kid: unknown) => {
      const forged = forgeJWT({ ...header, kid }, payload);
      return `${forged.slice(0, forged.lastIndexOf("."))}.${signature}`;
    };
    expect(await refusal(main, withKid("A".repeat(43)))).toBe("ACCESS_TOKEN_UNKNOWN_KEY");
    expect(await refusal(main, withKid(undefined))).toBe("ACCESS_TOKEN_UNKNOWN_KEY");
    expect(await refusal(main, withKid("../../etc/passwd"))).toBe("ACCESS_TOKEN_UNKNOWN_KEY");
  });

  it("refuses a tampered payload and a wrong signature (ACCESS_TOKEN_INVALID)", async () => {
    const token = await tokenFor(main, "tamper@example.com");
    const [header, , signature] = token.split(".");
    const { payload } = decodeJWT(token);
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...payload, sub: "someone-else" })).toString("base64url")}.${signature}`;
    expect(await refusal(main, tampered)).toBe("ACCESS_TOKEN_INVALID");
    const flipped = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    expect(await refusal(main, flipped)).toBe("ACCESS_TOKEN_INVALID");
  });

  it("refuses malformed input with a typed error that does not echo it", async () => {
    for (const value of ["", "abc", "a.b", "a.b.c.d", `${"x".repeat(9000)}.y.z`, 42, null, {}]) {
      const error = await rejection(main.auth.verifyAccessToken(value as string));
      expect(error).toMatchObject({ code: "ACCESS_TOKEN_INVALID", status: 401 });
      if (typeof value === "string" && value.length > 3) expect(error.message).not.toContain(value);
    }
  });

  describe("attacks", () => {
    it('refuses alg: "none" (an unsigned token claiming any user) with ACCESS_TOKEN_WRONG_ALGORITHM', async () => {
      const token = await tokenFor(main, "none@example.com");
      const { header, payload } = decodeJWT(token);
      for (const alg of ["none", "None", "NONE", ""]) {
        const unsigned = forgeJWT({ ...header, alg }, { ...payload, sub: "admin" });
        expect(await refusal(main, unsigned)).toBe("ACCESS_TOKEN_WRONG_ALGORITHM");
      }
      const noAlg = forgeJWT({ kid: header.kid, typ: "JWT" }, payload);
      expect(await refusal(main, noAlg)).toBe("ACCESS_TOKEN_WRONG_ALGORITHM");
    });

    it("refuses the RS/HS confusion: an HS256 token MACed with the published RS256 public key", async () => {
      const rs = await tokenInstance({ accessTokens: { algorithm: "RS256" } }, { db: main.db });
      try {
        const token = await tokenFor(rs, "confusion@example.com");
        expect(await rs.auth.verifyAccessToken(token)).toMatchObject({ sub: expect.any(String) });
        const { header, payload } = decodeJWT(token);
        const { keys } = (await call(rs, "GET", "/jwks")).body as {
          keys: (Record<string, unknown> & { kid: string })[];
        };
        const jwk = keys.find((key) => key.kid === header.kid);
        expect(jwk?.kty).toBe("RSA");
        const publicKey = createPublicKey({ key: jwk as never, format: "jwk" });
        // The classic forms of the attack: the public key as PEM, as DER, and as the JWK's JSON.
        const secrets = [
          publicKey.export({ type: "spki", format: "pem" }),
          publicKey.export({ type: "pkcs1", format: "pem" }),
          publicKey.export({ type: "spki", format: "der" }),
          JSON.stringify(jwk),
        ];
        for (const secret of secrets) {
          const forged = forgeJWT(
            { alg: "HS256", kid: header.kid, typ: "JWT" },
            { ...payload, sub: "admin" },
            (input) => createHmac("sha256", secret).update(input).digest(),
          );
          expect(await refusal(rs, forged)).toBe("ACCESS_TOKEN_WRONG_ALGORITHM");
        }
      } finally {
        await rs.server.stop();
      }
    });

    it("refuses a header naming another asymmetric algorithm than its key's (ES256 over an Ed25519 kid)", async () => {
      const token = await tokenFor(main, "es-over-ed@example.com");
      const { header, payload } = decodeJWT(token);
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const forged = forgeJWT({ ...header, alg: "ES256" }, payload, (input) =>
        signBytes("sha256", Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" }),
      );
      expect(await refusal(main, forged)).toBe("ACCESS_TOKEN_WRONG_ALGORITHM");
      for (const alg of ["RS512", "PS256", "HS512", "ES512"]) {
        expect(await refusal(main, forgeJWT({ ...header, alg }, payload))).toBe("ACCESS_TOKEN_WRONG_ALGORITHM");
      }
    });
  });
});

describe("algorithms", () => {
  it.each([
    ["ES256", { kty: "EC", crv: "P-256" }],
    ["RS256", { kty: "RSA", e: "AQAB" }],
  ] as const)("%s: signs, publishes the key and verifies", async (algorithm, shape) => {
    const t = await tokenInstance({ accessTokens: { algorithm } });
    try {
      const token = await tokenFor(t, `${algorithm}@example.com`);
      expect(decodeJWT(token).header.alg).toBe(algorithm);
      const { keys } = (await call(t, "GET", "/jwks")).body as { keys: Record<string, unknown>[] };
      expect(keys[0]).toMatchObject({ ...shape, alg: algorithm, use: "sig" });
      for (const key of keys)
        for (const secret of ["d", "p", "q", "dp", "dq", "qi"]) expect(key).not.toHaveProperty(secret);
      expect(await t.auth.verifyAccessToken(token)).toMatchObject({ sub: expect.any(String) });
      const verified = await jwtVerify(token, createLocalJWKSet({ keys } as never), {
        issuer: ISSUER,
        audience: ISSUER,
      });
      expect(verified.protectedHeader.alg).toBe(algorithm);
    } finally {
      await t.stop();
    }
  });

  it("HS256: signs with its dedicated secret (kid from the secret, no key rows), publishes nothing, rotates secrets", async () => {
    const t = await tokenInstance({ accessTokens: { algorithm: "HS256", secret: HS_SECRET } });
    try {
      const token = await tokenFor(t, "hs@example.com");
      const { header } = decodeJWT(token);
      expect(header).toEqual({ alg: "HS256", kid: expect.stringMatching(/^hs-/), typ: "JWT" });
      const verified = await jwtVerify(token, new TextEncoder().encode(HS_SECRET), {
        issuer: ISSUER,
        audience: ISSUER,
      });
      expect(verified.payload.sid).toEqual(expect.any(String));
      expect(await t.db.select().from(jwks)).toHaveLength(0);
      expect((await call(t, "GET", "/jwks")).body).toEqual({ keys: [] });
      // Rotating the secret: the new one signs, the old one's tokens still verify while listed.
      const rotated = await tokenInstance(
        { accessTokens: { algorithm: "HS256", secret: [`${HS_SECRET}-next`, HS_SECRET] } },
        { db: t.db },
      );
      try {
        expect(await rotated.auth.verifyAccessToken(token)).toMatchObject({ sub: expect.any(String) });
        const next = await tokenFor(rotated, "hs2@example.com");
        expect(decodeJWT(next).header.kid).not.toBe(header.kid);
        expect(await refusal(t, next)).toBe("ACCESS_TOKEN_UNKNOWN_KEY");
      } finally {
        await rotated.server.stop();
      }
      // An HS256 token forged with another secret but the right kid.
      const { payload } = decodeJWT(token);
      const forged = forgeJWT(header, { ...payload, sub: "admin" }, (input) =>
        createHmac("sha256", "a-guessed-secret-that-is-not-the-real-one").update(input).digest(),
      );
      expect(await refusal(t, forged)).toBe("ACCESS_TOKEN_INVALID");
    } finally {
      await t.stop();
    }
  });
});

describe("access token options", () => {
  const base = { db: undefined as never, secret: TEST_SECRET, sendEmail: false as const };
  const configError = (options: Record<string, unknown>) => {
    try {
      createAuth({ ...base, db: main.db, ...options } as never);
    } catch (error) {
      expect(isTetrastackError(error, "CONFIG_INVALID")).toBe(true);
      return (error as { issues: { path: string; message: string }[] }).issues;
    }
    throw new Error("createAuth accepted the options");
  };

  it("refuses HS256 without a secret, with a short one, with AUTH_SECRET itself, and a secret for EdDSA", () => {
    expect(configError({ accessTokens: { algorithm: "HS256" } })).toEqual([
      { path: "accessTokens.secret", message: expect.stringContaining("is missing") },
    ]);
    expect(configError({ accessTokens: { algorithm: "HS256", secret: "short" } })).toEqual([
      { path: "accessTokens.secret", message: "must be at least 32 characters" },
    ]);
    const [reused] = configError({ accessTokens: { algorithm: "HS256", secret: TEST_SECRET } });
    expect(reused).toEqual({
      path: "accessTokens.secret",
      message: expect.stringContaining("must not be AUTH_SECRET"),
    });
    expect(JSON.stringify(reused)).not.toContain(TEST_SECRET);
    expect(
      configError({ secret: [HS_SECRET, TEST_SECRET], accessTokens: { algorithm: "HS256", secret: [TEST_SECRET] } }),
    ).toEqual([{ path: "accessTokens.secret", message: expect.stringContaining("must not be AUTH_SECRET") }]);
    expect(configError({ accessTokens: { secret: HS_SECRET } })).toEqual([
      { path: "accessTokens.secret", message: expect.stringContaining("HS256 only") },
    ]);
  });

  it("refuses an overlap shorter than the token lifetime, tokens with JWT sessions, refresh tokens without access tokens, and alg none", () => {
    expect(configError({ accessTokens: { expiresIn: 3600, rotationOverlap: 600 } })).toEqual([
      { path: "accessTokens.rotationOverlap", message: expect.stringContaining("at least expiresIn") },
    ]);
    expect(configError({ accessTokens: {}, session: { strategy: "jwt" } }).map((issue) => issue.path)).toEqual([
      "accessTokens",
    ]);
    expect(configError({ refreshTokens: {} }).map((issue) => issue.path)).toEqual(["refreshTokens"]);
    expect(configError({ accessTokens: { algorithm: "none" } }).map((issue) => issue.path)).toEqual([
      "accessTokens.algorithm",
    ]);
  });

  it("needs an issuer in production: accessTokens.issuer, baseURL or AUTH_URL", () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("AUTH_URL", "");
    try {
      expect(configError({ accessTokens: {} })).toEqual([
        { path: "accessTokens.issuer", message: expect.stringContaining("is missing") },
      ]);
      expect(() =>
        createAuth({ ...base, db: main.db, accessTokens: { issuer: "https://app.example" } } as never),
      ).not.toThrow();
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
