import { customFetch } from "next-auth";
import type { OAuthConfig } from "next-auth/providers";
import { expect } from "vitest";
import { type Browser, ORIGIN } from "./auth-helpers.js";

// The third-party OAuth server cannot run here: its token and userinfo endpoints are answered by
// the provider's `customFetch` (the hook Auth.js offers for this). Everything on our side, the
// Auth.js routes, PKCE, the adapter and the database, is real.
export type Profile = { sub: string; email?: string; name?: string; email_verified?: boolean };

export function acmeProvider(profile: { current: Profile }, id = "acme"): OAuthConfig<Profile> {
  return {
    id,
    name: "Acme",
    type: "oauth",
    clientId: "acme-client",
    clientSecret: "acme-secret",
    authorization: "https://oauth.acme.test/authorize",
    token: "https://oauth.acme.test/token",
    userinfo: "https://oauth.acme.test/userinfo",
    profile: (p) => ({ id: p.sub, name: p.name ?? null, email: p.email ?? null, image: null }),
    [customFetch]: async (input: RequestInfo | URL) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname === "/token") {
        return Response.json({ access_token: `at-${crypto.randomUUID()}`, token_type: "bearer", expires_in: 3600 });
      }
      if (url.pathname === "/userinfo") return Response.json(profile.current);
      return new Response("not found", { status: 404 });
    },
  } as OAuthConfig<Profile>;
}

/** The browser's OAuth round trip: start at our signin route, come back to our callback. */
export async function oauthSignIn(browser: Browser, provider = "acme"): Promise<Response> {
  const csrfToken = await browser.csrf();
  const start = await browser.request("POST", `/api/auth/signin/${provider}`, {
    csrfToken,
    callbackUrl: `${ORIGIN}/dashboard`,
  });
  const authorize = new URL(start.headers.get("location") ?? "");
  expect(authorize.origin).toBe("https://oauth.acme.test");
  expect(authorize.searchParams.get("code_challenge")).toBeTruthy();
  const state = authorize.searchParams.get("state");
  return browser.request("GET", `/api/auth/callback/${provider}?code=the-code${state ? `&state=${state}` : ""}`);
}

export const errorOf = (response: Response): string | null =>
  new URL(response.headers.get("location") ?? "http://x").searchParams.get("error");
