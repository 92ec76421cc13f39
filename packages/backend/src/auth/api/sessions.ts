import * as z from "zod";
import { parseInput } from "../../shared/validate.js";
import { isRandomToken } from "../session/token-shape.js";
import type { APIDeps, Endpoint } from "./endpoint.js";
import { text } from "./endpoint.js";
import { wireSession, wireSessionUser } from "./shapes.js";

// Reading the session, and listing and ending the user's sessions: `getSession()`'s lookup
// (expiry, sliding refresh, the session callback) and the session helpers of `createAuth`.

const revokeBody = z.object({ token: text(255).min(1, { error: "is required" }) });

/** @internal `GET /get-session`, `GET /list-sessions`, `POST /revoke-session(s)`, `POST /revoke-other-sessions`. */
export function sessionEndpoints(deps: APIDeps): Record<string, Endpoint> {
  const { ctx, binding, methods } = deps;

  return {
    "GET /get-session": {
      async run({ state }) {
        const found = await binding.resolve(state);
        const headers = { "cache-control": "no-store", pragma: "no-cache" };
        if (!found) return { body: null, headers };
        const { session, user } = found.record;
        return {
          body: {
            session: wireSession({ ...session, expires: found.refreshedTo ?? session.expires }),
            user: wireSessionUser(found.session.user, user),
          },
          headers,
        };
      },
    },

    "GET /list-sessions": {
      async run() {
        const { session } = await ctx.caller.signedIn("any");
        const list = await methods.listSessions(session.userId);
        return {
          body: list.map((item) =>
            wireSession({ ...item, userId: session.userId, updatedAt: item.lastActiveAt, expires: item.expires }),
          ),
          headers: { "cache-control": "no-store" },
        };
      },
    },

    "POST /revoke-session": {
      async run({ body, state }) {
        const caller = await ctx.caller.signedIn("any");
        const { token } = parseInput(revokeBody, body, "revoke-session");
        // `token` is a session id as list-sessions gives it (better-auth's `session.token`), or a
        // raw session token of the user's own.
        const id = isRandomToken(token) ? ((await ctx.sessions.find(token))?.session.id ?? token) : token;
        await methods.revokeSession(caller.session.userId, id);
        if (id === caller.session.sessionId) binding.clearSessionCookie(state);
        return { body: { status: true } };
      },
    },

    "POST /revoke-sessions": {
      async run({ state }) {
        const caller = await ctx.caller.signedIn("any");
        await methods.revokeAllSessions(caller.session.userId);
        binding.clearSessionCookie(state);
        return { body: { status: true } };
      },
    },

    "POST /revoke-other-sessions": {
      async run() {
        const caller = await ctx.caller.signedIn("any");
        if (caller.session.sessionId)
          await methods.revokeOtherSessions(caller.session.userId, caller.session.sessionId);
        return { body: { status: true } };
      },
    },
  };
}
