import type { TokenPurpose } from "../../database/tables.js";
import type { AuthContext, FlowContext } from "../context.js";
import type { AuthUser } from "../tables.js";
import { invalidToken, type TokenRow } from "./token-store.js";

/** @internal Mail requests: per IP across every mail flow, per recipient for each flow. */
export function limitMail(
  ctx: AuthContext,
  purpose: TokenPurpose,
  account: string,
  caller: FlowContext,
): Promise<void> {
  return ctx.limiter.enforce("email", ctx.settings.rateLimit.email, {
    ip: caller.ip,
    account: `${purpose}:${account}`,
  });
}

/**
 * @internal {@link limitMail} for a mail to `email`, and in the same round trip the user of that
 * address (null when none): the lookup is made whether or not the limit refuses, so neither the
 * answer nor its timing depends on the account existing.
 */
export async function limitMailToAddress(
  ctx: AuthContext,
  purpose: TokenPurpose,
  email: string,
  caller: FlowContext,
): Promise<AuthUser | null> {
  const { read } = await ctx.limiter.attempt(
    "email",
    ctx.settings.rateLimit.email,
    { ip: caller.ip, account: `${purpose}:${email}` },
    { read: ctx.users.byEmailRead(email) },
  );
  return (read as AuthUser | null) ?? null;
}

/** @internal Link confirmations: per IP, and per account when signed in. */
export function limitConfirm(ctx: AuthContext, caller: FlowContext): Promise<void> {
  return ctx.limiter.enforce("confirm", ctx.settings.rateLimit.confirm, {
    ip: caller.ip,
    account: caller.session?.userId ?? null,
  });
}

/**
 * @internal Consumes a link's token for `purpose` (bound to the signed-in user when there is one)
 * and loads its user, who must still exist and, with `sameEmail`, still have the address the link
 * was sent to. `TokenError` otherwise.
 */
export async function consumeLink(
  ctx: AuthContext,
  token: unknown,
  purpose: TokenPurpose,
  caller: FlowContext,
  options: { sameEmail: boolean },
): Promise<{ row: TokenRow; user: AuthUser }> {
  const row = await ctx.tokens.consume(token as string, purpose, { userId: caller.session?.userId });
  const user = row.userId ? await ctx.users.byId(row.userId) : null;
  if (!user || (options.sameEmail && user.email !== row.identifier)) throw invalidToken();
  return { row, user };
}

/** @internal The caller's session id, kept when the caller is signed in as `userId`. */
export function ownSession(caller: FlowContext, userId: string): string | null {
  return caller.session?.userId === userId ? caller.session.sessionId : null;
}
