import { createAuth } from "@tetrastack/backend/auth";
import { db } from "./db";

// Email + password with database sessions: every token a phone holds is a row in `sessions` that
// `revokeSession` ends at once. Signing up and in is the package's JSON API (better-auth's
// endpoints under /api/auth, see app/api/auth/[...nextauth]/route.ts); the app's own routes under
// /api/v1 resolve the bearer token with `getSessionFromToken` (lib/bearer.ts).
export const { apiHandlers, getSessionFromToken, getClientIP, listSessions, revokeSession } = createAuth({
  db,
  // This API sends no account mail; production requires saying so (or passing a sender).
  sendEmail: false,
  // The JSON API, on. A phone sends `Authorization: Bearer`, which needs no trusted origin; list
  // web frontends on other origins here if they use the session cookie.
  api: {},
});
