/** The id of the built-in email + password provider: `signIn("credentials", formData)`. */
export const CREDENTIALS_PROVIDER_ID = "credentials";

/** The id of the built-in email-link provider: `signIn("email", formData)`. */
export const EMAIL_PROVIDER_ID = "email";

/** @internal Key under which the jwt callback marks a credentials sign-in (see `authjs/credentials-session.ts`). */
export const CREDENTIALS_SESSION_USER = "tetrastack.credentialsSessionUser";
