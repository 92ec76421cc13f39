import { and, eq, sql } from "drizzle-orm";
import {
  AccountLockedError,
  EmailNotVerifiedError,
  InvalidCredentialsError,
  isTetrastackError,
  type TetrastackError,
} from "../../shared/errors.js";
import type { SideRead } from "../../shared/rate-limit.js";
import { parseEmail } from "../accounts/email.js";
import type { AuthContext } from "../context.js";
import { deferWrite } from "../request/scope.js";
import { isSecureRequest } from "../session/cookies.js";
import type { AuthUser } from "../tables.js";
import { credentialsAccountOf } from "./credentials-row.js";
import { burnPasswordHash, hashPassword, needsRehash, parsePasswordHash, verifyPassword } from "./hash.js";
import { parseSignInPassword } from "./policy.js";
import { verifyReserved } from "./verify.js";

/** Why a credentials sign-in failed: the `code` of `CredentialsSigninError`, safe to show. */
export type SignInErrorCode =
  | "INVALID_CREDENTIALS"
  | "ACCOUNT_LOCKED"
  | "RATE_LIMITED"
  | "EMAIL_NOT_VERIFIED"
  | "DATABASE_BUSY";

/** @internal How an email + password sign-in ended. */
export type SignInOutcome =
  | { ok: true; user: AuthUser }
  | { ok: false; code: SignInErrorCode; retryAfter?: number; cause: TetrastackError };

/** @internal Email + password sign-in, shared by Auth.js's Credentials provider and the JSON API. */
export type PasswordSignIn = (
  credentials: Partial<Record<string, unknown>> | undefined,
  request: Request,
) => Promise<SignInOutcome>;

/**
 * @internal Checks an email and password for sign-in. Every path that can fail after validation
 * costs one scrypt derivation, and every failure is the same code, so neither the answer nor its
 * timing says whether the email exists. Auth.js's Credentials provider (`authjs/credentials.ts`)
 * turns a failure into its `CredentialsSignin` error; the JSON API (`api/sign-in.ts`) into its answer.
 */
export function createPasswordSignIn(ctx: AuthContext, options: { requireEmailVerification: boolean }): PasswordSignIn {
  const { db, tables, limiter } = ctx;
  type Found = { user: AuthUser; accountId: string; passwordHash: string | null };
  // The user and its credentials row as one JSON column, so that the lookup can travel in the
  // same round trip as the rate-limit counters and the lockout reservation (limiter.attempt).
  const found = ctx.dialect.jsonObject([
    ["user", ctx.users.json],
    ["accountId", tables.accounts.id],
    ["passwordHash", tables.accounts.passwordHash],
  ]);
  const query = (q: typeof db, email: unknown) =>
    q
      .select({ value: found })
      .from(tables.users)
      .innerJoin(tables.accounts, credentialsAccountOf(tables.accounts, tables.users.id, ctx.dialect))
      .where(eq(tables.users.email, email as string))
      .limit(1);
  const decode = (value: unknown): Found => {
    const { user, accountId, passwordHash } = ctx.dialect.parseJSONObject(value);
    return {
      user: ctx.users.decode(user),
      accountId: String(accountId),
      passwordHash: (passwordHash as string | null) ?? null,
    };
  };
  // On its own (the in-memory limiter): prepared once.
  const lookup = ctx.dialect.prepareFirst<{ value: unknown }>(
    query(db, sql.placeholder("email")),
    "tetrastack_credentials_by_email",
  );
  const lookupRead = (email: string): SideRead => ({
    statement: (q) => query(q, email),
    decode,
    run: async () => {
      const row = await lookup({ email });
      return row ? decode(row.value) : null;
    },
  });
  const invalid = (): SignInOutcome => ({
    ok: false,
    code: "INVALID_CREDENTIALS",
    cause: new InvalidCredentialsError("Invalid email or password."),
  });

  return async function signInWithPassword(credentials, request) {
    try {
      return await check(credentials, request);
    } catch (error) {
      // The database was locked past its deadline: a typed answer (503-like, retry later), not
      // Auth.js's configuration error page.
      if (!isTetrastackError(error, "DATABASE_BUSY")) throw error;
      return { ok: false, code: "DATABASE_BUSY", retryAfter: error.retryAfter, cause: error };
    }
  };

  async function check(
    credentials: Partial<Record<string, unknown>> | undefined,
    request: Request,
  ): Promise<SignInOutcome> {
    const email = parseEmail(credentials?.email);
    const password = parseSignInPassword(credentials?.password, ctx.settings.password);
    // Malformed input fails before anything is counted or hashed: its shape is no secret, and an
    // attempt that costs us nothing must not spend anyone's budget (10 empty passwords used to
    // lock an account out for five minutes).
    if (!email || password === null) return invalid();

    const device = ctx.knownDevices?.find(request.headers.get("cookie"), isSecureRequest(request), email) ?? null;
    const subject = { account: email, device };
    let attempt: Awaited<ReturnType<typeof limiter.attempt>>;
    try {
      // One round trip before the hash: the attempt counted per IP and account (a known device
      // of this account has a budget of its own and no per-IP count, so nobody else can spend
      // it), then, within those limits, toward the lockout, and the account looked up.
      attempt = await limiter.attempt(
        "sign-in",
        ctx.settings.rateLimit.signIn,
        device
          ? { ip: null, account: `${email}\u0000device\u0000${device}` }
          : { ip: ctx.clientIP(request.headers), account: email },
        { lockout: subject, read: lookupRead(email) },
      );
    } catch (error) {
      if (!isTetrastackError(error, "RATE_LIMITED")) throw error;
      return { ok: false, code: "RATE_LIMITED", retryAfter: error.retryAfter, cause: error };
    }

    const row = attempt.read as Found | null;
    const stored = row?.passwordHash;
    if (stored && !parsePasswordHash(stored)) {
      // A corrupt row, or parameters that would make one check throw or cost a gigabyte: counted
      // as a failed sign-in like a wrong password, and said in the log without the hash.
      ctx.logger.warn(
        "a stored password hash is malformed or outside the accepted scrypt parameters; the sign-in fails",
      );
    }
    const outcome = await verifyReserved(
      limiter,
      attempt.reservation,
      subject,
      () => (stored ? verifyPassword(password, stored) : burnPasswordHash(password, ctx.settings.password.scrypt)),
      // Forgetting the failures is sent with the session row this sign-in creates (or at the
      // end of the request when it creates none): one round trip fewer.
      deferWrite,
    );
    if (outcome.status === "locked") {
      const cause = new AccountLockedError("Account temporarily locked.", { retryAfter: outcome.retryAfter });
      return { ok: false, code: "ACCOUNT_LOCKED", retryAfter: outcome.retryAfter, cause };
    }
    if (outcome.status === "invalid" || !row || !stored) return invalid();
    // Only after the right password: the code tells nobody else that the account exists.
    if (options.requireEmailVerification && !row.user.emailVerified) {
      const cause = new EmailNotVerifiedError("Verify your email address before signing in.");
      return { ok: false, code: "EMAIL_NOT_VERIFIED", cause };
    }
    // The response marks this browser a known device of the account (see limits/known-devices.ts).
    await ctx.caller.markKnownDevice(email);

    const { scrypt } = ctx.settings.password;
    if (needsRehash(stored, scrypt)) {
      try {
        const upgraded = await hashPassword(password, scrypt);
        // Only if the hash is still the one verified: a concurrent password change wins.
        await db
          .update(tables.accounts)
          .set({ passwordHash: upgraded })
          .where(and(eq(tables.accounts.id, row.accountId), eq(tables.accounts.passwordHash, stored)));
      } catch (error) {
        ctx.logger.warn("could not upgrade a password hash; keeping the old one", error);
      }
    }
    return { ok: true, user: row.user };
  }
}
