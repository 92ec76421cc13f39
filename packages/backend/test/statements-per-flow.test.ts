// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Auth, createAuth } from "../src/auth/index.js";
import { FAST_SCRYPT, TEST_SECRET } from "./auth-helpers.js";
import { inRequest, requestScope } from "./auth-next-request.js";
import { observeDriver } from "./engines/driver-statements.js";
import { createTestDatabase, onPostgres, testEngine } from "./helpers.js";
import { FLOWS, type FlowName, type FlowStatements, statementsPerFlow, tokenMailbox } from "./statements-per-flow.js";

// What each flow sends to the database, counted at the driver (test/engines/driver-statements.ts):
// statements, and round trips (a libSQL batch is one; on PostgreSQL every query is one, BEGIN and
// COMMIT included). On a networked database the round trips are what a request waits for, so a
// change that adds one fails here. The flows run through the real entry points (Auth.js's route
// handlers, the JSON API); the bench prints the same table (`pnpm bench --only=statements`).
// @see /tmp/issues/12.md (issue 12, item 6: round trips per flow)

/** [statements, round trips] per flow on libSQL (file or HTTP) and on PostgreSQL (PGlite or a server). */
const EXPECTED: Record<FlowName, { libsql: [number, number]; postgres: [number, number] }> = {
  // One indexed query (token hash → session ⋈ user).
  "getSession()": { libsql: [1, 1], postgres: [1, 1] },
  // Before the hash: the rate limits, the lockout reservation and the account in one round trip
  // (libSQL: a batch of 4; PostgreSQL: one statement); after it, the session row with the
  // lockout reset and the audit event (a batch of 3; one statement). Was 5 statements in 5 round trips.
  "sign-in, Auth.js route (GET /csrf + POST /callback/credentials)": { libsql: [7, 2], postgres: [2, 2] },
  "sign-in, JSON API (POST /sign-in/email)": { libsql: [7, 2], postgres: [2, 2] },
  // Rate limits; user + credentials (a batch; one statement); the user row for the callbacks;
  // the session row with the sign-in's audit event. PostgreSQL was 5 in 7 (a transaction).
  "registration, JSON API (POST /sign-up/email, signs in)": { libsql: [6, 4], postgres: [4, 4] },
  // Rate limits with the user lookup; the new token replacing older ones. Was 4 in 3 / 4 in 6.
  "password reset request (POST /request-password-reset)": { libsql: [4, 2], postgres: [2, 2] },
  // Rate limit; token consumed (DELETE … RETURNING); its user; one batch ending the sessions,
  // claiming an unverified account, setting the password, lifting the lockout and the audit event
  // (a transaction of 9 on PostgreSQL). Was 11 in 5 / 11 in 13 before the audit log.
  "password reset confirm (POST /reset-password)": { libsql: [12, 4], postgres: [12, 14] },
  "email verification request (POST /send-verification-email)": { libsql: [4, 2], postgres: [2, 2] },
  // Bearer session; rate limit; token consumed; its user; its credentials row; the claim batch.
  "email verification confirm, signed in (POST /verify-email, bearer)": { libsql: [10, 6], postgres: [10, 12] },
  // One DELETE … RETURNING of the session row.
  "sign-out, Auth.js route (GET /csrf + POST /signout)": { libsql: [1, 1], postgres: [1, 1] },
  "sign-out, JSON API (POST /sign-out, bearer)": { libsql: [1, 1], postgres: [1, 1] },
  // The caller's session, then the audit event and the DELETE it guards (a batch; on PostgreSQL a
  // transaction of 2). Was 2 in 2 on both before the audit log.
  "revoke a session, JSON API (POST /revoke-session, bearer)": { libsql: [3, 2], postgres: [3, 5] },
};

describe("statements per flow", () => {
  let counts: FlowStatements[];
  let cleanup: () => void;

  beforeAll(async () => {
    const t = await createTestDatabase();
    cleanup = t.cleanup;
    const mail = tokenMailbox();
    const auth: Auth = createAuth({
      db: t.db,
      secret: TEST_SECRET,
      trustHost: true,
      api: {},
      baseURL: "http://localhost:3000",
      sendEmail: mail.sendEmail,
      password: { scrypt: FAST_SCRYPT },
      rateLimit: { clientIP: { forwardedHops: 1 } },
      logger: { error: () => undefined, warn: () => undefined, debug: () => undefined },
    });
    const observer = observeDriver(t.db);
    try {
      counts = await statementsPerFlow(auth, observer, mail, (token) =>
        inRequest(requestScope(new Map([["authjs.session-token", { value: token, options: {} }]])), () =>
          auth.getSession(),
        ),
      );
    } finally {
      observer.stop();
    }
    console.log(
      [
        `statements per flow on ${testEngine()} (statements / round trips):`,
        ...counts.map((count) => `  ${count.flow}: ${count.statements} / ${count.roundTrips}`),
      ].join("\n"),
    );
  });
  afterAll(() => cleanup());

  it("runs every flow", () => {
    expect(counts.map((count) => count.flow)).toEqual([...FLOWS]);
  });

  it.each([...FLOWS])("%s: no more statements and round trips than measured", (flow) => {
    const count = counts.find((entry) => entry.flow === flow);
    const [statements, roundTrips] = EXPECTED[flow][onPostgres() ? "postgres" : "libsql"];
    expect({ statements: count?.statements, roundTrips: count?.roundTrips }, count?.log.join("\n")).toEqual({
      statements,
      roundTrips,
    });
  });

  it("resolves a session with one query, whatever the entry point", () => {
    const getSession = counts.find((entry) => entry.flow === "getSession()");
    expect(getSession?.log).toHaveLength(1);
    expect(getSession?.log[0]).toMatch(/^select .* from "sessions" inner join "users"/i);
  });
});
