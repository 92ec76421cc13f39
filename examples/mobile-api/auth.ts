import { createAuth } from "@tetrastack/backend/auth";
import { db } from "./db";

// Email + password with database sessions: every token a phone holds is a row in `sessions` that
// `revokeSession` ends at once. The client never gets a cookie: see lib/bearer.ts.
export const { signIn, registerUser, getSessionFromToken, getClientIP, listSessions, revokeSession } = createAuth({
  db,
  // This API sends no account mail; production requires saying so (or passing a sender).
  sendEmail: false,
});
