import { AuthError, CredentialsSignin } from "next-auth";
import type { AuthLogger } from "./types.js";

const red = "\x1b[31m";
const yellow = "\x1b[33m";
const reset = "\x1b[0m";

/**
 * @internal The `logger` handed to Auth.js. Yours, unchanged, when it has an `error` method: it
 * gets everything. Otherwise Auth.js's own output, except for the one error that is an expected
 * outcome, a refused credentials sign-in (wrong password, lockout, rate limit): Auth.js prints a
 * 20-line stack for each; this prints one line with the stable code.
 */
export function authJsLogger(logger: AuthLogger | undefined): AuthLogger {
  if (logger?.error) return logger;
  return { ...logger, error: logError };
}

function logError(error: Error): void {
  if (error instanceof CredentialsSignin || (error as { type?: unknown }).type === "CredentialsSignin") {
    const code = (error as { code?: unknown }).code;
    console.warn(`${yellow}[auth][warn]${reset} CredentialsSignin: a sign-in was refused (${String(code)})`);
    return;
  }
  // The rest as Auth.js's default logger prints it (@auth/core lib/utils/logger.ts, not exported).
  const name = error instanceof AuthError ? error.type : error.name;
  console.error(`${red}[auth][error]${reset} ${name}: ${error.message}`);
  const cause = error.cause as { err?: unknown } | undefined;
  if (cause && typeof cause === "object" && cause.err instanceof Error) {
    const { err, ...data } = cause;
    console.error(`${red}[auth][cause]${reset}:`, err.stack);
    console.error(`${red}[auth][details]${reset}:`, JSON.stringify(data, null, 2));
  } else if (error.stack) {
    console.error(error.stack.replace(/.*/, "").substring(1));
  }
}
