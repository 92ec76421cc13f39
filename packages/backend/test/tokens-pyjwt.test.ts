/**
 * Independent verification of the access tokens (issue 14, item 4): PyJWT (Debian's python3-jwt,
 * with python3-cryptography for EdDSA, ES256 and RS256), an implementation that is not ours, runs
 * the example verifier examples/python-verifier/verify.py. It reads `sub` from tokens the running
 * JSON API issued, with the HS256 shared secret or through the JWKS it fetches over HTTP from
 * that API (PyJWKClient), and refuses expired, wrong-audience, tampered and `alg: none` tokens
 * (and the RS/HS confusion). CI installs both packages and makes this file mandatory
 * (test/external-tools.ts).
 *
 * @see /tmp/issues/14.md (issue 14)
 */
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { createHmac, createPublicKey } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type { AccessTokenAlgorithm } from "../src/auth/index.js";
import { externalTool } from "./external-tools.js";
import { call, decodeJWT, forgeJWT, signUp, type TokenInstance, tokenInstance } from "./token-helpers.js";

const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("../../../examples/python-verifier/verify.py", import.meta.url));
const probe = spawnSync(PYTHON, ["-c", "import jwt, cryptography; print(jwt.__version__)"], { encoding: "utf8" });
// CI installs python3-jwt and python3-cryptography; a machine without them skips this file and says why.
const pyjwt = externalTool(
  "PyJWT",
  probe.status === 0,
  `${PYTHON} cannot import jwt and cryptography: ${probe.error?.message ?? probe.stderr.trim()}`,
);

const ISSUER = "http://localhost:3000";
const OTHER_AUDIENCE = "billing-service";
const HS_SECRET = "the-python-service-shares-this-hs256-secret-0123456789";

afterEach(() => {
  vi.useRealTimers();
});

/** Runs the verifier's `check` mode on each Authorization header: PyJWT's verdict per line. */
async function pythonVerdicts(
  env: Record<string, string>,
  authorizations: string[],
): Promise<Record<string, string>[]> {
  // Asynchronously: the JWKS it fetches is served by this process.
  const child = promisify(execFile)(PYTHON, [SCRIPT, "check"], {
    // Only what Python needs (NODE_ENV: Next's global types require it in every ProcessEnv).
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", ...env },
    timeout: 30_000,
  });
  child.child.stdin?.end(authorizations.map((authorization) => JSON.stringify({ authorization })).join("\n"));
  const { stdout } = await child;
  return stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, string>);
}

interface Cases {
  valid: string;
  userId: string;
  expired: string;
  otherAudience: string;
  tampered: string;
  unsigned: string;
}

/** Tokens of every kind from `target`'s own `GET /token`, plus the forged ones. */
async function tokens(target: TokenInstance, email: string): Promise<Cases> {
  const { token: session, userId } = await signUp(target, email);
  const get = async (query = "") =>
    ((await call(target, "GET", `/token${query}`, { bearer: session })).body as { token: string }).token;
  const valid = await get();
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() - 3_600_000); // issued an hour ago: expired 45 minutes ago
  const expired = await get();
  vi.useRealTimers();
  const otherAudience = await get(`?audience=${OTHER_AUDIENCE}`);
  const [header, , signature] = valid.split(".");
  const { payload, header: decodedHeader } = decodeJWT(valid);
  const tampered = `${header}.${Buffer.from(JSON.stringify({ ...payload, sub: "admin" })).toString("base64url")}.${signature}`;
  const unsigned = forgeJWT({ ...decodedHeader, alg: "none" }, { ...payload, sub: "admin" });
  return { valid, userId, expired, otherAudience, tampered, unsigned };
}

describe.skipIf(pyjwt.skip)("access tokens verified by PyJWT (examples/python-verifier)", () => {
  const instances: TokenInstance[] = [];
  afterAll(async () => {
    for (const instance of instances) await instance.stop();
  });

  async function start(options: Parameters<typeof tokenInstance>[0]): Promise<TokenInstance> {
    const instance = await tokenInstance(options);
    instances.push(instance);
    return instance;
  }

  it.each(["EdDSA", "ES256", "RS256"] as const)(
    "%s: reads sub through the JWKS fetched over HTTP, and refuses expired, wrong-audience, tampered and alg:none tokens",
    async (algorithm: AccessTokenAlgorithm) => {
      const target = await start({ accessTokens: { algorithm, audience: [ISSUER, OTHER_AUDIENCE] } });
      const cases = await tokens(target, `pyjwt-${algorithm}@example.com`);
      const env = {
        TOKEN_ISSUER: ISSUER,
        TOKEN_AUDIENCE: ISSUER,
        TOKEN_JWKS_URL: `${target.server.baseURL}/jwks`,
        TOKEN_ALGORITHMS: algorithm,
      };
      const verdicts = await pythonVerdicts(
        env,
        [cases.valid, cases.expired, cases.otherAudience, cases.tampered, cases.unsigned].map((t) => `Bearer ${t}`),
      );
      expect(verdicts).toEqual([
        { sub: cases.userId },
        { error: "ExpiredSignatureError" },
        { error: "InvalidAudienceError" },
        { error: "InvalidSignatureError" },
        { error: "InvalidAlgorithmError" },
      ]);
      // The same service configured for the other audience accepts that token and no other.
      const billing = await pythonVerdicts({ ...env, TOKEN_AUDIENCE: OTHER_AUDIENCE }, [
        `Bearer ${cases.otherAudience}`,
        `Bearer ${cases.valid}`,
      ]);
      expect(billing).toEqual([{ sub: cases.userId }, { error: "InvalidAudienceError" }]);
    },
  );

  it("RS256: refuses the RS/HS confusion (HS256 MACed with the published public key) too", async () => {
    const target = await start({ accessTokens: { algorithm: "RS256" } });
    const { valid } = await tokens(target, "pyjwt-confusion@example.com");
    const { header, payload } = decodeJWT(valid);
    const { keys } = (await call(target, "GET", "/jwks")).body as { keys: Record<string, unknown>[] };
    const pem = createPublicKey({ key: keys.find((key) => key.kid === header.kid) as never, format: "jwk" }).export({
      type: "spki",
      format: "pem",
    });
    const forged = forgeJWT({ alg: "HS256", kid: header.kid, typ: "JWT" }, { ...payload, sub: "admin" }, (input) =>
      createHmac("sha256", pem).update(input).digest(),
    );
    const verdicts = await pythonVerdicts(
      {
        TOKEN_ISSUER: ISSUER,
        TOKEN_AUDIENCE: ISSUER,
        TOKEN_JWKS_URL: `${target.server.baseURL}/jwks`,
        TOKEN_ALGORITHMS: "RS256",
      },
      [`Bearer ${forged}`],
    );
    expect(verdicts).toEqual([{ error: "InvalidAlgorithmError" }]);
  });

  it("HS256: reads sub with the shared secret, and refuses expired, wrong-audience, tampered, alg:none and other-secret tokens", async () => {
    const target = await start({
      accessTokens: { algorithm: "HS256", secret: HS_SECRET, audience: [ISSUER, OTHER_AUDIENCE] },
    });
    const cases = await tokens(target, "pyjwt-hs256@example.com");
    const env = { TOKEN_ISSUER: ISSUER, TOKEN_AUDIENCE: ISSUER, TOKEN_HS256_SECRET: HS_SECRET };
    const verdicts = await pythonVerdicts(
      env,
      [cases.valid, cases.expired, cases.otherAudience, cases.tampered, cases.unsigned].map((t) => `Bearer ${t}`),
    );
    expect(verdicts).toEqual([
      { sub: cases.userId },
      { error: "ExpiredSignatureError" },
      { error: "InvalidAudienceError" },
      { error: "InvalidSignatureError" },
      { error: "InvalidAlgorithmError" },
    ]);
    expect(await pythonVerdicts({ ...env, TOKEN_HS256_SECRET: `${HS_SECRET}-not` }, [`Bearer ${cases.valid}`])).toEqual(
      [{ error: "InvalidSignatureError" }],
    );
  });

  describe("serve mode (the FastAPI-style route)", () => {
    let child: ChildProcess | undefined;
    afterAll(() => {
      if (child?.pid && child.exitCode === null) process.kill(child.pid, "SIGTERM");
    });

    it("GET /me answers the user id for a genuine token and 401 with FastAPI's { detail } otherwise", async () => {
      const target = await start({ accessTokens: {} });
      const { valid, userId, expired } = await tokens(target, "pyjwt-serve@example.com");
      child = spawn(PYTHON, [SCRIPT, "serve", "--port", "0", "--max-requests", "3"], {
        env: {
          PATH: process.env.PATH ?? "",
          NODE_ENV: "test",
          TOKEN_ISSUER: ISSUER,
          TOKEN_AUDIENCE: ISSUER,
          TOKEN_JWKS_URL: `${target.server.baseURL}/jwks`,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child?.stdout?.on("data", (chunk) => {
          out += chunk;
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        child?.once("exit", (code) => reject(new Error(`verify.py serve exited with ${code}`)));
      });
      const me = async (authorization?: string) => {
        const response = await fetch(`${url}/me`, { headers: authorization ? { authorization } : {} });
        return { status: response.status, body: await response.json() };
      };
      expect(await me(`Bearer ${valid}`)).toEqual({ status: 200, body: { sub: userId } });
      expect(await me(`Bearer ${expired}`)).toEqual({ status: 401, body: { detail: "ExpiredSignatureError" } });
      expect(await me()).toEqual({ status: 401, body: { detail: "MissingToken" } });
      // It stops by itself after --max-requests.
      await new Promise((resolve) => (child?.exitCode === null ? child.once("exit", resolve) : resolve(null)));
      expect(child?.exitCode).toBe(0);
    });
  });
});
