import { createAuthConfig } from "@tetrastack/backend/auth";
import NextAuth from "next-auth";
import { authOptions } from "./auth.config";

// The edge-safe config: no adapter, no database. With database sessions `req.auth` only says that a
// well-formed session cookie is present, so this sends obviously anonymous visitors to /sign-in;
// every page and action still checks the session for real with requireUser().
const { auth } = NextAuth(createAuthConfig(authOptions));

export const proxy = auth((req) => {
  if (req.auth) return;
  const signInURL = new URL("/sign-in", req.nextUrl);
  signInURL.searchParams.set("callbackUrl", `${req.nextUrl.pathname}${req.nextUrl.search}`);
  return Response.redirect(signInURL);
});

export const config = {
  matcher: ["/dashboard/:path*", "/uploads/:path*", "/account/:path*", "/organizations/:path*", "/org/:path*"],
};
