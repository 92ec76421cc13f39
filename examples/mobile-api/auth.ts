import { createAuth } from "@tetrastack/backend/auth";
import { db } from "./db";

// Email + password with database sessions. A phone signs in through the package's JSON API
// (better-auth's endpoints under /api/auth, see app/api/auth/[...nextauth]/route.ts) with
// `issueTokens: true` and holds an access token (a 15-minute JWT, which the app's own routes under
// /api/v1 verify without a database query: lib/bearer.ts) and a refresh token (single use,
// rotated by POST /api/auth/token/refresh). Each device is a row in `sessions`: `revokeSession`
// ends its refresh token at once.
export const { apiHandlers, verifyAccessToken, getClientIP, listSessions, revokeSession } = createAuth({
  db,
  // This API sends no account mail; production requires saying so (or passing a sender).
  sendEmail: false,
  // The JSON API, on. A phone sends `Authorization: Bearer`, which needs no trusted origin; list
  // web frontends on other origins here if they use the session cookie.
  api: {},
  // Access tokens signed with EdDSA; the public keys at GET /api/auth/jwks for other services.
  // `iss` names this API (production requires one: this, baseURL or AUTH_URL).
  accessTokens: { issuer: process.env.TOKEN_ISSUER ?? "tetrastack-mobile-api" },
  // Refresh tokens: 30 days unused, 90 days at most, a 10-second grace for a retried refresh.
  refreshTokens: {},
});
