import * as z from "zod";
import { databaseDialect, tableDialect } from "../database/dialect.js";
import { env } from "../shared/env.js";
import { ConfigError, type ErrorIssue } from "../shared/errors.js";
import { fnSchema as fn, tableSchema as table } from "../shared/schemas.js";
import { type APIOptions, apiOptionsSchema } from "./api/options.js";
import { type AuditOptions, auditOptionsSchema } from "./audit/log.js";
import { type AccountLinkingOptions, accountLinkingOptionsSchema } from "./authjs/account-linking.js";
import { type AuthConfigOptions, configShape } from "./config-options.js";
import { type AccountDeletionOptions, accountDeletionOptionsSchema } from "./features/account-deletion.js";
import { type APIKeyOptions, apiKeyOptionsSchema } from "./features/api-keys.js";
import { type EmailChangeOptions, emailChangeOptionsSchema } from "./features/email-change.js";
import { type EmailSignInOptions, emailSignInOptionsSchema } from "./features/email-sign-in.js";
import { type EmailVerificationOptions, emailVerificationOptionsSchema } from "./features/email-verification.js";
import { type PasswordResetOptions, passwordResetOptionsSchema } from "./features/password-reset.js";
import { type RefreshTokenOptions, refreshTokenOptionsSchema } from "./features/refresh-tokens.js";
import { type RegistrationOptions, registrationOptionsSchema } from "./features/registration.js";
import {
  type LockoutOptions,
  lockoutOptionsSchema,
  type RateLimitOptions,
  rateLimitOptionsSchema,
} from "./limits/options.js";
import type { SendEmail } from "./mail/templates.js";
import type { AccessControl, DefaultAccessControl } from "./organizations/access.js";
import { type OrganizationOptions, organizationOptionsSchema } from "./organizations/options.js";
import { type PasswordOptions, passwordOptionsSchema } from "./password/options.js";
import type { AuthDatabase, AuthTables, PostgresAuthTables } from "./tables.js";
import { type AccessTokenOptions, accessTokenOptionsSchema } from "./tokens/options.js";

// The composed options of `createAuth`: one line per building block or feature in the interface
// and in the schema below. A feature owns its option interface and schema fragment; this file
// only lists them.

/**
 * Options of `createAuth`: the shared ones plus the database and the security settings.
 * `TDatabase` is the type of `db`, inferred, for the hooks that are given it; `TAccess` the
 * access control of `organizations.access`, inferred, for the role and permission arguments.
 */
export interface AuthOptions<
  TDatabase extends AuthDatabase = AuthDatabase,
  TAccess extends AccessControl = DefaultAccessControl,
> extends AuthConfigOptions {
  /** The database, e.g. `createDatabase({ url: process.env.DATABASE_URL })`. */
  db: TDatabase;
  /**
   * Your extended tables, if any: `sqliteTable`s on libSQL, `pgTable`s on PostgreSQL (the
   * database's dialect, checked).
   * @default the package's tables of the database's dialect
   */
  tables?: Partial<AuthTables> | Partial<PostgresAuthTables>;
  /** Password hashing and policy. */
  password?: PasswordOptions;
  /** Rate limits. */
  rateLimit?: RateLimitOptions;
  /** Lockout after failed sign-ins. */
  lockout?: LockoutOptions;
  /** Registration behaviour. */
  registration?: RegistrationOptions;
  /** Linking OAuth accounts to existing users. */
  accountLinking?: AccountLinkingOptions;
  /**
   * Delivers the account mails (verification, password reset, email change, deletion and
   * sign-in links). Without it, development and tests log each mail to the console and keep it
   * in a dev mailbox; production refuses to start (ConfigError at creation). `false` turns mail off
   * everywhere: the mail flows then throw `MailNotConfiguredError`, and options that need mail
   * (such as `emailVerification.required`) are refused at creation.
   * @default undefined
   */
  sendEmail?: SendEmail | false;
  /**
   * Where links in mails point: your app's public URL (links are `baseURL` + a flow's `path`).
   * Never taken from a request's `Host` header, which an attacker controls. Required in
   * production when `sendEmail` is set, unless `AUTH_URL` is.
   * @default the origin of AUTH_URL, else "http://localhost:3000" outside production
   */
  baseURL?: string;
  /**
   * Your app's name, as the default mails say it.
   * @default the host of `baseURL`
   */
  appName?: string;
  /** Email verification. */
  emailVerification?: EmailVerificationOptions;
  /** Password reset. */
  passwordReset?: PasswordResetOptions;
  /** Email change. */
  emailChange?: EmailChangeOptions;
  /** Account deletion. */
  accountDeletion?: AccountDeletionOptions<TDatabase>;
  /** Sign-in by email link. */
  emailSignIn?: EmailSignInOptions;
  /**
   * The JSON API for clients that are not a Server Action (`apiHandlers`): better-auth's email
   * endpoints, cookie or bearer. Database sessions only.
   * @default undefined (off)
   */
  api?: APIOptions;
  /**
   * Organizations (tenants with members, roles and invitations): `{}` for the built-in roles, or
   * `{ access: createAccessControl(…) }` for yours. Needs database sessions.
   * @default undefined (off: the organization methods throw ConfigError)
   */
  organizations?: OrganizationOptions<TAccess, TDatabase>;
  /** The audit log's retention (the log itself is always written). */
  audit?: AuditOptions;
  /**
   * Access tokens: short-lived JWTs for other services (EdDSA by default, with `GET /jwks`; ES256,
   * RS256, or HS256 with a secret of its own). Database sessions only.
   * @default undefined (off)
   */
  accessTokens?: AccessTokenOptions;
  /**
   * Refresh tokens with rotation and reuse detection, for clients that hold access tokens
   * (`POST /token/refresh`, sign-in with `issueTokens`). Needs `accessTokens`.
   * @default undefined (off)
   */
  refreshTokens?: RefreshTokenOptions;
  /** API keys (`createAPIKey`, `verifyAPIKey`): their prefix, default lifetime and rate limit. */
  apiKeys?: APIKeyOptions;
}

const authOptionsShape = z
  .strictObject({
    ...configShape,
    db: z.custom<AuthDatabase>((value) => databaseDialect(value) !== null, {
      error:
        "must be a Drizzle database: createDatabase() from @tetrastack/backend/database (libSQL) or @tetrastack/backend/database/postgres",
    }),
    tables: z
      .strictObject({
        users: table<AuthTables["users"] | PostgresAuthTables["users"]>(),
        accounts: table<AuthTables["accounts"] | PostgresAuthTables["accounts"]>(),
        sessions: table<AuthTables["sessions"] | PostgresAuthTables["sessions"]>(),
        verificationTokens: table<AuthTables["verificationTokens"] | PostgresAuthTables["verificationTokens"]>(),
        authenticators: table<AuthTables["authenticators"] | PostgresAuthTables["authenticators"]>(),
        rateLimits: table<AuthTables["rateLimits"] | PostgresAuthTables["rateLimits"]>(),
        organizations: table<AuthTables["organizations"] | PostgresAuthTables["organizations"]>(),
        members: table<AuthTables["members"] | PostgresAuthTables["members"]>(),
        invitations: table<AuthTables["invitations"] | PostgresAuthTables["invitations"]>(),
        auditEvents: table<AuthTables["auditEvents"] | PostgresAuthTables["auditEvents"]>(),
        jwks: table<AuthTables["jwks"] | PostgresAuthTables["jwks"]>(),
        refreshTokens: table<AuthTables["refreshTokens"] | PostgresAuthTables["refreshTokens"]>(),
        apiKeys: table<AuthTables["apiKeys"] | PostgresAuthTables["apiKeys"]>(),
      })
      .partial()
      .optional(),
    password: passwordOptionsSchema,
    rateLimit: rateLimitOptionsSchema,
    lockout: lockoutOptionsSchema,
    registration: registrationOptionsSchema,
    accountLinking: accountLinkingOptionsSchema,
    sendEmail: z.union([z.literal(false), fn<SendEmail>()]).optional(),
    baseURL: z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" }).optional(),
    appName: z.string().trim().min(1).max(100).optional(),
    emailVerification: emailVerificationOptionsSchema,
    passwordReset: passwordResetOptionsSchema,
    emailChange: emailChangeOptionsSchema,
    accountDeletion: accountDeletionOptionsSchema,
    emailSignIn: emailSignInOptionsSchema,
    api: apiOptionsSchema,
    organizations: organizationOptionsSchema,
    audit: auditOptionsSchema,
    accessTokens: accessTokenOptionsSchema,
    refreshTokens: refreshTokenOptionsSchema,
    apiKeys: apiKeyOptionsSchema,
  })
  .superRefine(({ db, tables, organizations, session }, ctx) => {
    if (organizations && session.strategy === "jwt") {
      ctx.addIssue({
        code: "custom",
        path: ["organizations"],
        message:
          'needs database sessions (the active organization is a column of the session row): remove session.strategy "jwt"',
      });
    }
    // A table of the other dialect would build SQL the database does not speak.
    const dialect = databaseDialect(db);
    for (const [name, table] of Object.entries(tables ?? {})) {
      if (dialect && table !== undefined && tableDialect(table) !== dialect) {
        ctx.addIssue({
          code: "custom",
          path: ["tables", name],
          message:
            dialect === "postgres"
              ? "must be a pgTable (from @tetrastack/backend/database/postgres): the database is PostgreSQL"
              : "must be a sqliteTable (from @tetrastack/backend/database): the database is libSQL",
        });
      }
    }
  });

/**
 * Validation of {@link AuthOptions}: the shared options, the database and tables, and the
 * password, rate-limit, lockout, registration and account-linking settings.
 */
export const authOptionsSchema: z.ZodType<AuthSettings, unknown> = authOptionsShape;

/** Settings resolved from {@link AuthOptions}: every default filled in. */
export type AuthSettings = z.output<typeof authOptionsShape>;

/**
 * @internal Checks across options that zod's field-level validation cannot see: mail settings.
 * Throws one ConfigError naming every problem.
 */
export function checkMailSettings(settings: AuthSettings, factory: string): void {
  const issues: ErrorIssue[] = [];
  const needsMail: [path: string, on: boolean][] = [
    ["emailVerification.required", settings.emailVerification.required],
    ["emailVerification.sendOnSignUp", settings.emailVerification.sendOnSignUp],
    ["emailSignIn.enabled", settings.emailSignIn.enabled],
  ];
  if (settings.sendEmail === undefined && env.isProduction()) {
    // Refuse to start rather than fail the first password reset: production must say how mail goes out.
    issues.push({
      path: "sendEmail",
      message:
        "is missing: pass a sendEmail function (only development logs mails to the console), or sendEmail: false for an app without account mails",
    });
  } else if (settings.sendEmail === false) {
    for (const [path, on] of needsMail) if (on) issues.push({ path, message: "needs mail, but sendEmail is false" });
  }
  if (typeof settings.sendEmail === "function" && env.isProduction() && !settings.baseURL && !settings.authURL) {
    issues.push({
      path: "baseURL",
      message:
        "is missing: set AUTH_URL or pass baseURL (links in mails are built from it, never from the Host header)",
    });
  }
  if (issues.length > 0) {
    const described = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
    throw new ConfigError(`${factory}: invalid options: ${described}`, { issues });
  }
}
