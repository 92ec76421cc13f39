import { describe, expectTypeOf, it } from "vitest";
import type * as z from "zod";
import type { APIOptions, apiOptionsSchema } from "./api/options.js";
import type { AccountLinkingOptions, accountLinkingOptionsSchema } from "./authjs/account-linking.js";
import type { AuthConfigOptions, authConfigOptionsSchema, configShape } from "./config-options.js";
import type { AccountDeletionOptions, accountDeletionOptionsSchema } from "./features/account-deletion.js";
import type { EmailChangeOptions, emailChangeOptionsSchema } from "./features/email-change.js";
import type { EmailSignInOptions, emailSignInOptionsSchema } from "./features/email-sign-in.js";
import type { EmailVerificationOptions, emailVerificationOptionsSchema } from "./features/email-verification.js";
import type { PasswordResetOptions, passwordResetOptionsSchema } from "./features/password-reset.js";
import type { RegistrationOptions, registrationOptionsSchema } from "./features/registration.js";
import type {
  LockoutOptions,
  lockoutOptionsSchema,
  RateLimitOptions,
  RateLimitRule,
  rateLimitOptionsSchema,
} from "./limits/options.js";
import type { AuthOptions, AuthSettings } from "./options.js";
import type { PasswordOptions, passwordOptionsSchema } from "./password/options.js";
import type { SessionOptions, sessionOptionsSchema } from "./session/options.js";

// Each option interface (what users read, with its JSDoc) and the zod fragment that validates it
// are written once each; these assertions tie them so they cannot drift: the same keys, and every
// value the interface allows is accepted by the schema's input type.

type Input<S extends z.ZodType> = NonNullable<z.input<S>>;

describe("option interfaces and their schemas", () => {
  it("have the same keys, and the interface is assignable to the schema input", () => {
    expectTypeOf<keyof SessionOptions>().toEqualTypeOf<keyof Input<typeof sessionOptionsSchema>>();
    expectTypeOf<SessionOptions>().toExtend<Input<typeof sessionOptionsSchema>>();
    expectTypeOf<keyof PasswordOptions>().toEqualTypeOf<keyof Input<typeof passwordOptionsSchema>>();
    expectTypeOf<PasswordOptions>().toExtend<Input<typeof passwordOptionsSchema>>();
    expectTypeOf<keyof RateLimitOptions>().toEqualTypeOf<keyof Input<typeof rateLimitOptionsSchema>>();
    expectTypeOf<RateLimitOptions>().toExtend<Input<typeof rateLimitOptionsSchema>>();
    expectTypeOf<keyof RateLimitRule>().toEqualTypeOf<
      keyof NonNullable<Input<typeof rateLimitOptionsSchema>["signIn"]>
    >();
    expectTypeOf<keyof LockoutOptions>().toEqualTypeOf<keyof Input<typeof lockoutOptionsSchema>>();
    expectTypeOf<LockoutOptions>().toExtend<Input<typeof lockoutOptionsSchema>>();
    expectTypeOf<keyof RegistrationOptions>().toEqualTypeOf<keyof Input<typeof registrationOptionsSchema>>();
    expectTypeOf<RegistrationOptions>().toExtend<Input<typeof registrationOptionsSchema>>();
    expectTypeOf<keyof AccountLinkingOptions>().toEqualTypeOf<keyof Input<typeof accountLinkingOptionsSchema>>();
    expectTypeOf<AccountLinkingOptions>().toExtend<Input<typeof accountLinkingOptionsSchema>>();
    expectTypeOf<keyof EmailVerificationOptions>().toEqualTypeOf<keyof Input<typeof emailVerificationOptionsSchema>>();
    expectTypeOf<EmailVerificationOptions>().toExtend<Input<typeof emailVerificationOptionsSchema>>();
    expectTypeOf<keyof PasswordResetOptions>().toEqualTypeOf<keyof Input<typeof passwordResetOptionsSchema>>();
    expectTypeOf<PasswordResetOptions>().toExtend<Input<typeof passwordResetOptionsSchema>>();
    expectTypeOf<keyof EmailChangeOptions>().toEqualTypeOf<keyof Input<typeof emailChangeOptionsSchema>>();
    expectTypeOf<EmailChangeOptions>().toExtend<Input<typeof emailChangeOptionsSchema>>();
    expectTypeOf<keyof AccountDeletionOptions>().toEqualTypeOf<keyof Input<typeof accountDeletionOptionsSchema>>();
    expectTypeOf<AccountDeletionOptions>().toExtend<Input<typeof accountDeletionOptionsSchema>>();
    expectTypeOf<keyof EmailSignInOptions>().toEqualTypeOf<keyof Input<typeof emailSignInOptionsSchema>>();
    expectTypeOf<EmailSignInOptions>().toExtend<Input<typeof emailSignInOptionsSchema>>();
    expectTypeOf<keyof APIOptions>().toEqualTypeOf<keyof Input<typeof apiOptionsSchema>>();
    expectTypeOf<APIOptions>().toExtend<Input<typeof apiOptionsSchema>>();
  });

  it("compose: every option of createAuth and createAuthConfig is validated, and nothing else", () => {
    // `authURL` is read from the environment, not an option.
    expectTypeOf<keyof AuthConfigOptions | "authURL">().toEqualTypeOf<keyof typeof configShape>();
    expectTypeOf<keyof AuthOptions | "authURL">().toEqualTypeOf<keyof AuthSettings>();
    expectTypeOf<z.output<typeof authConfigOptionsSchema>["session"]>().toEqualTypeOf<AuthSettings["session"]>();
  });
});
