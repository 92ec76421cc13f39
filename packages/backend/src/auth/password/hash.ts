import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { availableParallelism } from "node:os";
import { assertArgument } from "../../shared/arguments.js";
import { SCRYPT_BOUNDS, scryptParamsProblem } from "./bounds.js";

/** Cost and sizes of the scrypt password hash. */
export interface ScryptParams {
  /**
   * log2 of the CPU/memory cost N. Memory per hash is 128 × 2^ln × r bytes (128 MiB at 17/8).
   * @default 17
   */
  ln: number;
  /**
   * Block size.
   * @default 8
   */
  r: number;
  /**
   * Parallelism (run sequentially by Node: cost grows linearly with it).
   * @default 1
   */
  p: number;
  /**
   * Length of the derived key in bytes.
   * @default 32
   */
  keyLength: number;
  /**
   * Length of the random salt in bytes.
   * @default 16
   */
  saltLength: number;
}

/**
 * OWASP's minimum for scrypt (N=2^17, r=8, p=1: 128 MiB, about 0.3 s on one core), with a 32-byte
 * key and a 16-byte salt. Raise `ln` over time: stored hashes carry their own parameters and are
 * upgraded at the next sign-in.
 */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({
  ln: 17,
  r: 8,
  p: 1,
  keyLength: 32,
  saltLength: 16,
});

// A stored hash is parsed before it is trusted: a corrupt or hostile row must not make one
// verification throw or allocate gigabytes (the bounds are the ones options accept).
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** A parsed `$scrypt$…` PHC string. */
export interface ParsedPasswordHash {
  ln: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/**
 * Parses a stored hash (`$scrypt$ln=17,r=8,p=1$<salt>$<hash>`, base64 without padding); null when
 * it is malformed or its parameters are outside the bounds options accept (ln 10–20, r 1–32,
 * p 1–16, at most 256 MiB and four default hashes of work per check), and for anything but a string.
 */
export function parsePasswordHash(stored: string): ParsedPasswordHash | null {
  if (typeof stored !== "string" || stored.length > 1024) return null;
  const match = PHC.exec(stored);
  if (!match) return null;
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const salt = Buffer.from(match[4] ?? "", "base64");
  const hash = Buffer.from(match[5] ?? "", "base64");
  const within = (value: number, [min, max]: readonly [number, number]): boolean => value >= min && value <= max;
  if (!within(ln, SCRYPT_BOUNDS.ln) || !within(r, SCRYPT_BOUNDS.r) || !within(p, SCRYPT_BOUNDS.p)) return null;
  if (!within(salt.length, SCRYPT_BOUNDS.saltLength) || !within(hash.length, SCRYPT_BOUNDS.keyLength)) return null;
  if (scryptParamsProblem({ ln, r, p })) return null;
  return { ln, r, p, salt, hash };
}

// At most one derivation per spare core: scrypt saturates a core for ~300 ms, and with every
// core busy the event loop itself waits for a CPU (bench: 98 ms stalls during 20 concurrent
// sign-ins). Waiting derivations queue here, in order, costing the loop nothing. This also bounds
// memory to ~128 MiB per running derivation.
const MAX_CONCURRENT = Math.max(1, availableParallelism() - 1);
let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running < MAX_CONCURRENT) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** @internal How many derivations run and wait now, and the cap (for tests and diagnostics). */
export function scryptSlots(): { running: number; waiting: number; max: number } {
  return { running, waiting: waiting.length, max: MAX_CONCURRENT };
}

function derive(password: string, salt: Buffer, keyLength: number, params: Pick<ScryptParams, "ln" | "r" | "p">) {
  return withSlot(() => deriveNow(password, salt, keyLength, params));
}

function deriveNow(password: string, salt: Buffer, keyLength: number, params: Pick<ScryptParams, "ln" | "r" | "p">) {
  const N = 2 ** params.ln;
  return new Promise<Buffer>((resolve, reject) => {
    // The callback form runs on the libuv threadpool, off the event loop. maxmem must exceed
    // 128·N·r or Node refuses (its default, 32 MiB, is below OWASP's setting).
    scrypt(
      Buffer.from(password.normalize("NFKC"), "utf8"),
      salt,
      keyLength,
      { N, r: params.r, p: params.p, maxmem: 256 * N * params.r },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/**
 * Hashes a password with scrypt (NFKC-normalised first) into a PHC string that records its
 * parameters and salt. Runs on the threadpool; validate the password against the policy first.
 *
 * @example
 * const stored = await hashPassword("correct horse battery staple")
 */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  assertArgument(
    typeof password === "string" && password.length <= MAX_PASSWORD_INPUT,
    "hashPassword",
    "password",
    "a string of at most 4096 characters",
  );
  assertScryptParams(params, "hashPassword");
  const salt = randomBytes(params.saltLength);
  const key = await derive(password, salt, params.keyLength, params);
  const b64 = (buffer: Buffer): string => buffer.toString("base64").replace(/=+$/, "");
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

/**
 * Checks a password against a stored hash in constant time. False for a wrong password and for
 * a malformed hash; never throws for either.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  if (!parsed || typeof password !== "string") return false;
  const key = await derive(password, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(key, parsed.hash);
}

const DUMMY_SALT = Buffer.alloc(16, 0x5a);
/** Longest password `hashPassword` takes (the policy's own maximum is lower: 128 by default). */
const MAX_PASSWORD_INPUT = 4096;

/** Refuses scrypt parameters outside {@link SCRYPT_BOUNDS} with a ValidationError. */
function assertScryptParams(params: unknown, fn: string): asserts params is ScryptParams {
  const p = params as Partial<Record<keyof ScryptParams, unknown>> | null;
  const within = (value: unknown, [min, max]: readonly [number, number]): boolean =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
  const valid =
    typeof p === "object" &&
    p !== null &&
    within(p.ln, SCRYPT_BOUNDS.ln) &&
    within(p.r, SCRYPT_BOUNDS.r) &&
    within(p.p, SCRYPT_BOUNDS.p) &&
    within(p.keyLength, SCRYPT_BOUNDS.keyLength) &&
    within(p.saltLength, SCRYPT_BOUNDS.saltLength) &&
    scryptParamsProblem(p as ScryptParams) === null;
  assertArgument(valid, fn, "params", "scrypt parameters within the accepted bounds (see DEFAULT_SCRYPT_PARAMS)");
}

/**
 * @internal Spends the time of one verification without a stored hash, so that an unknown email
 * costs what a wrong password costs.
 */
export async function burnPasswordHash(password: string, params: ScryptParams): Promise<false> {
  await derive(password, DUMMY_SALT, params.keyLength, params);
  return false;
}

/** True when a stored hash is weaker than (or differs in size from) the current parameters. */
export function needsRehash(stored: string, params: ScryptParams): boolean {
  assertScryptParams(params, "needsRehash");
  const parsed = parsePasswordHash(stored);
  if (!parsed) return true;
  return (
    parsed.ln < params.ln ||
    parsed.r < params.r ||
    parsed.p < params.p ||
    parsed.hash.length !== params.keyLength ||
    parsed.salt.length < params.saltLength
  );
}
