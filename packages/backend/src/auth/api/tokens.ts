import * as z from "zod";
import { parseInput } from "../../shared/validate.js";
import type { APIDeps, Endpoint } from "./endpoint.js";
import { text } from "./endpoint.js";
import { APIFailure } from "./http.js";

// Access tokens, their public keys and refresh: `GET /token` and `GET /jwks` as better-auth's jwt
// plugin answers them (`{ token }`, a JWK Set), and `POST /token/refresh`, which better-auth has
// no word for. Each is off (404) unless its option is set.

/** How long verifiers may cache `/jwks`: the next key is published a whole rotation period ahead. */
const JWKS_CACHE_CONTROL = "public, max-age=300";

const refreshBody = z.object({ refreshToken: text(255).min(1, { error: "is required" }) });

/** @internal A token pair as the API answers it (sign-in with `issueTokens`, `/token/refresh`). */
export interface WireTokenPair {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

/** @internal {@link WireTokenPair} of what `issueTokenPair`/`refreshTokenPair` return. */
export function wireTokenPair(pair: {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}): WireTokenPair {
  return {
    accessToken: pair.accessToken,
    accessTokenExpiresAt: pair.accessTokenExpiresAt.toISOString(),
    refreshToken: pair.refreshToken,
    refreshTokenExpiresAt: pair.refreshTokenExpiresAt.toISOString(),
  };
}

/** @internal The 404 of an endpoint whose option is off. */
export function notEnabled(option: string): APIFailure {
  return new APIFailure(404, "NOT_FOUND", `Not found (${option} is not enabled)`);
}

/** @internal `GET /token`, `GET /jwks`, `POST /token/refresh`. */
export function tokenEndpoints(deps: APIDeps): Record<string, Endpoint> {
  const { methods, tokens } = deps;
  return {
    "GET /token": {
      async run({ query }) {
        if (!tokens.access) throw notEnabled("accessTokens");
        const audience = query.get("audience") ?? undefined;
        const { token } = await methods.getAccessToken(audience === undefined ? undefined : { audience });
        return { body: { token } };
      },
    },

    "GET /jwks": {
      async run() {
        if (!tokens.access) throw notEnabled("accessTokens");
        return { body: await methods.getJWKS(), headers: { "cache-control": JWKS_CACHE_CONTROL } };
      },
    },

    "POST /token/refresh": {
      async run({ body }) {
        if (!tokens.refresh) throw notEnabled("refreshTokens");
        const { refreshToken } = parseInput(refreshBody, body, "token/refresh");
        return { body: wireTokenPair(await methods.refreshTokenPair(refreshToken)) };
      },
    },
  };
}
