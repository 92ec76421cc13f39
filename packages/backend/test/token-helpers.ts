import { expect } from "vitest";
import type { Auth, AuthOptions } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { type APIServer, startAPIServer } from "./api-helpers.js";
import { createTestAuth, ORIGIN, PASSWORD } from "./auth-helpers.js";
import { captureMail, createLifecycleAuth, nextIP } from "./lifecycle-helpers.js";

// An auth instance with the JSON API on, served over HTTP on 127.0.0.1 (test/api-helpers.ts), for
// the access token, refresh token and API key tests. Mail is captured, as everywhere.

/** An auth instance over HTTP, and what the tests read from it. */
export interface TokenInstance {
  auth: Auth;
  db: Database;
  server: APIServer;
  /** What the package logged through the logger (warnings included). */
  errors: Error[];
  stop(): Promise<void>;
}

/** `createAuth` with the JSON API (and the given options) over a fresh database, served over HTTP. */
export async function tokenInstance(
  options: Partial<AuthOptions> = {},
  database?: { db: Database },
): Promise<TokenInstance> {
  const t = database
    ? await createLifecycleAuthOn(options, database)
    : await createLifecycleAuth({ api: {}, ...options });
  const server = await startAPIServer(t.auth);
  return {
    auth: t.auth,
    db: t.db,
    server,
    errors: t.errors,
    async stop() {
      await server.stop();
      t.cleanup();
    },
  };
}

/** A second app instance on a database another instance already uses. */
function createLifecycleAuthOn(options: Partial<AuthOptions>, database: { db: Database }) {
  return createTestAuth({ api: {}, sendEmail: captureMail().sendEmail, baseURL: ORIGIN, ...options }, database);
}

/** One JSON API answer. */
export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One request to the JSON API, from a fresh client address unless `ip` is given. */
export async function call(
  target: { server: APIServer },
  method: "GET" | "POST",
  path: string,
  options: { body?: unknown; bearer?: string; headers?: Record<string, string>; ip?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { "x-forwarded-for": options.ip ?? nextIP(), ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  const response = await fetch(`${target.server.baseURL}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body };
}

/** Registers a user (the flow) and signs in over the API: its session token and user id. */
export async function signUp(target: TokenInstance, email: string): Promise<{ token: string; userId: string }> {
  const registered = await target.auth.registerUser({ email, password: PASSWORD, name: "Test" }, { ip: null });
  const answer = await call(target, "POST", "/sign-in/email", { body: { email, password: PASSWORD } });
  expect(answer.status).toBe(200);
  return { token: answer.headers.get("set-auth-token") ?? "", userId: registered.user?.id ?? "" };
}

/** Signs in over the API asking for tokens: the pair, and the user's id. */
export async function signInForTokens(
  target: TokenInstance,
  email: string,
): Promise<{ accessToken: string; refreshToken: string; userId: string; body: Record<string, unknown> }> {
  const registered = await target.auth.registerUser({ email, password: PASSWORD, name: "Test" }, { ip: null });
  const answer = await call(target, "POST", "/sign-in/email", {
    body: { email, password: PASSWORD, issueTokens: true },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const body = answer.body as Record<string, unknown>;
  return {
    accessToken: String(body.accessToken),
    refreshToken: String(body.refreshToken),
    userId: registered.user?.id ?? "",
    body,
  };
}

/** A JWT's decoded header and payload (no verification: what a test inspects or tampers with). */
export function decodeJWT(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header = "", payload = ""] = token.split(".");
  return {
    header: JSON.parse(Buffer.from(header, "base64url").toString("utf8")),
    payload: JSON.parse(Buffer.from(payload, "base64url").toString("utf8")),
  };
}

/** A compact JWS built by hand from a header, a payload and signature bytes: the attacks' tokens. */
export function forgeJWT(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  sign: (input: string) => Buffer | string = () => "",
): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  const signature = sign(input);
  return `${input}.${typeof signature === "string" ? signature : signature.toString("base64url")}`;
}
