import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createAuth } from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { Browser, FAST_SCRYPT, PASSWORD, recordingLogger, register, TEST_SECRET } from "./auth-helpers.js";
import { createTestDatabase } from "./helpers.js";

/**
 * Auth.js prints a 20-line `[auth][error] CredentialsSignin` stack for every wrong password. The
 * package's default logger prints one line for that expected outcome and Auth.js's own output
 * for everything else; a logger you pass still gets everything.
 * @see /tmp/issues/16.md (item 5)
 */

/** Every line written to the console while `fn` runs. */
async function consoleLines(fn: () => Promise<unknown>): Promise<{ method: string; text: string }[]> {
  const lines: { method: string; text: string }[] = [];
  const spies = (["error", "warn", "log"] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      for (const line of args.map(String).join(" ").split("\n")) lines.push({ method, text: line });
    }),
  );
  try {
    await fn();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines;
}

describe("Auth.js's logger", () => {
  let db: Database;
  let cleanup: () => void;
  const options = () => ({
    db,
    secret: TEST_SECRET,
    trustHost: true,
    rateLimit: { clientIP: { forwardedHops: 1 } as const },
    password: { scrypt: FAST_SCRYPT },
  });
  beforeAll(async () => {
    ({ db, cleanup } = await createTestDatabase());
    await register(createAuth(options()), "log@example.com");
  });
  afterAll(() => cleanup());
  afterEach(() => vi.restoreAllMocks());

  it("prints one line for a refused credentials sign-in, with its code", async () => {
    const auth = createAuth(options());
    const lines = await consoleLines(() => new Browser(auth).signIn("log@example.com", "not the password"));
    expect(lines).toEqual([
      {
        method: "warn",
        text: expect.stringMatching(/\[auth\]\[warn\].* CredentialsSignin: .*\(INVALID_CREDENTIALS\)$/),
      },
    ]);
  });

  it("prints other Auth.js errors as Auth.js does, stack included", async () => {
    const auth = createAuth(options());
    // No CSRF token: Auth.js refuses with MissingCSRF, a configuration-side error worth its stack.
    const lines = await consoleLines(() =>
      new Browser(auth).request("POST", "/api/auth/callback/credentials", {
        email: "log@example.com",
        password: PASSWORD,
      }),
    );
    expect(lines[0]).toEqual({ method: "error", text: expect.stringMatching(/\[auth\]\[error\].* MissingCSRF: /) });
    expect(lines.length).toBeGreaterThan(3);
  });

  it("hands everything to a logger you pass, CredentialsSignin included", async () => {
    const { errors, logger } = recordingLogger();
    const auth = createAuth({ ...options(), logger });
    const lines = await consoleLines(() => new Browser(auth).signIn("log@example.com", "not the password"));
    expect(lines).toEqual([]);
    expect(errors.map((error) => (error as { type?: string }).type)).toEqual(["CredentialsSignin"]);
  });
});
