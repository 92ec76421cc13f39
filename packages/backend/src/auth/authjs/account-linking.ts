import type { AdapterAccount } from "next-auth/adapters";
import * as z from "zod";
import { fnSchema as fn } from "../../shared/schemas.js";
import { normalizeEmail } from "../accounts/email.js";
import type { AuthContext } from "../context.js";
import { currentRequestMeta } from "../request/scope.js";
import type { AuthCallbacks, AuthEvents } from "./types.js";

/**
 * Decides whether an OAuth provider vouches for the email it returned, which is the only case in
 * which its account is linked to an existing user with that email.
 */
export type IsEmailVerified = (params: {
  provider: string;
  profile: Record<string, unknown> | undefined;
  email: string;
}) => boolean | Promise<boolean>;

/** Linking OAuth accounts to existing users. */
export interface AccountLinkingOptions {
  /**
   * Link an OAuth account to the user with the same email when the provider vouches for that
   * email. Never by email alone: otherwise Auth.js refuses with `OAuthAccountNotLinked`.
   * @default true
   */
  enabled?: boolean;
  /**
   * Whether the provider vouches for the email. The default trusts `email_verified === true`
   * (OIDC, Google, Apple) and Google's `verified_email === true`; GitHub-style providers that
   * send neither are never linked unless you decide here.
   * @default defaultIsEmailVerified
   */
  isEmailVerified?: IsEmailVerified;
}

/** @internal Validation of {@link AccountLinkingOptions}. */
export const accountLinkingOptionsSchema = z
  .strictObject({ enabled: z.boolean().default(true), isEmailVerified: fn<IsEmailVerified>().optional() })
  .prefault({});

/** @internal {@link AccountLinkingOptions} with every default filled in. */
export type AccountLinkingSettings = z.output<typeof accountLinkingOptionsSchema>;

/**
 * Whether a provider vouches for the email: OIDC's `email_verified` (Google, Apple, Auth0…) or
 * Google's `verified_email`, for the same address.
 */
export const defaultIsEmailVerified: IsEmailVerified = (params) => {
  const { profile, email } = (typeof params === "object" && params) || { profile: undefined, email: "" };
  if (
    typeof email !== "string" ||
    !profile ||
    typeof profile.email !== "string" ||
    normalizeEmail(profile.email) !== email
  )
    return false;
  return profile.email_verified === true || profile.email_verified === "true" || profile.verified_email === true;
};

type SignInParams = Parameters<NonNullable<AuthCallbacks["signIn"]>>[0];

/** @internal A part of the library's signIn callback: an answer, or undefined when not its case. */
export type SignInPolicy = (params: SignInParams) => Promise<boolean | string | undefined>;

/** @internal Auth.js's error page with a code, which is how the signIn callback refuses with a reason. */
export function signInErrorPage(ctx: AuthContext, code: string, extra: Record<string, string> = {}): string {
  const page = ctx.settings.pages?.error ?? `${ctx.settings.basePath}/error`;
  return `${page}?${new URLSearchParams({ error: "AccessDenied", code, ...extra })}`;
}

const TOKEN_FIELDS = [
  "refresh_token",
  "access_token",
  "expires_at",
  "token_type",
  "scope",
  "id_token",
  "session_state",
];

/**
 * @internal OAuth account linking, safe against pre-account takeover (see `accounts/claim.ts` and
 * the README's account-linking rule): link by email only when the provider vouches for it; a
 * provider that does not vouch never puts the address on a new user; linking to a signed-in
 * account whose email nobody proved is refused; and a vouching provider claims such an account
 * for its owner in the same transaction as the link.
 */
export function accountLinking(
  ctx: AuthContext,
  settings: AccountLinkingSettings,
): { signIn: SignInPolicy; events: AuthEvents } {
  const { db, tables } = ctx;
  const isEmailVerified = settings.isEmailVerified ?? defaultIsEmailVerified;
  const vouches = async (provider: string, profile: unknown, email: string): Promise<boolean> =>
    Boolean(await isEmailVerified({ provider, profile: profile as Record<string, unknown> | undefined, email }));

  /** The live session of the request being handled (the signIn callback has no other way to it). */
  async function requestSession() {
    const token = currentRequestMeta()?.sessionToken;
    const found = token ? await ctx.sessions.find(token) : null;
    return found && found.session.expires.valueOf() > ctx.now() ? found : null;
  }

  /** An identity not linked yet, signed in anonymously: linked to the user with that address if vouched for. */
  async function linkByVerifiedEmail(email: string | null, account: AdapterAccount, vouched: boolean): Promise<void> {
    if (!settings.enabled || !email || !vouched) return;
    const existing = await ctx.users.byEmail(email);
    if (!existing) return;
    const { type, provider, providerAccountId } = account;
    const kept = Object.fromEntries(
      TOKEN_FIELDS.filter((key) => account[key] !== undefined).map((key) => [key, account[key]]),
    );
    const values = {
      ...kept,
      type,
      provider,
      providerAccountId,
      userId: existing.id,
    } as typeof tables.accounts.$inferInsert;
    await ctx.dialect.batch(db, (q) => [
      ...(existing.emailVerified ? [] : ctx.claim.statements(q, existing.id, {})),
      q.insert(tables.accounts).values(values),
    ]);
  }

  return {
    async signIn({ user, account, profile }) {
      if (!account || (account.type !== "oauth" && account.type !== "oidc")) return undefined;
      const email = typeof user.email === "string" && user.email ? normalizeEmail(user.email) : null;
      const vouched = email !== null && (await vouches(account.provider, profile, email));
      // A provider that does not vouch for the address never puts it on a new user: such a user
      // would block the address's real owner (registration conflicts) or be captured later.
      const meta = currentRequestMeta();
      if (meta) meta.oauthEmailVouched = vouched;
      const linked = await ctx.users.byAccount(account.provider, account.providerAccountId);
      if (linked) return true;
      const current = await requestSession();
      if (current) {
        // Auth.js links the identity to the signed-in user. On an account whose address nobody
        // proved, that would give whoever holds the session a way in that survives the owner's
        // claim: refused, unless this provider vouches for that very address (a proof itself).
        if (current.user.emailVerified) return true;
        if (!vouched || email !== current.user.email) return signInErrorPage(ctx, "EMAIL_NOT_VERIFIED");
        const keep = { sessionId: current.session.id, credentials: true };
        await ctx.dialect.batch(db, (q) => ctx.claim.statements(q, current.user.id, keep));
        return true;
      }
      await linkByVerifiedEmail(email, account as AdapterAccount, vouched);
      return true;
    },
    events: {
      async signIn({ user, account, profile, isNewUser }) {
        // Auth.js creates OAuth users with emailVerified null; record it when the provider vouched.
        if (!isNewUser || !user.id || !account || (account.type !== "oauth" && account.type !== "oidc")) return;
        if (typeof user.email === "string" && (await vouches(account.provider, profile, normalizeEmail(user.email)))) {
          await ctx.users.markVerified(user.id);
        }
      },
    },
  };
}
