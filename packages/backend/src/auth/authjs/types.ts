/**
 * @internal The Auth.js types the rest of `/auth` names, re-exported from the one folder that
 * depends on next-auth: modules outside `authjs/` import these, type-only, from here.
 */
export type { Account, NextAuthConfig, NextAuthResult, Profile, User } from "next-auth";
export type { Adapter, AdapterAccount, AdapterSession, AdapterUser } from "next-auth/adapters";
export type { Provider } from "next-auth/providers";

import type { NextAuthConfig } from "next-auth";

// Interfaces rather than aliases: an interface keeps its name in declaration files, so types
// inferred from the option schemas can name it instead of @auth/core's internals.

/** The Auth.js callbacks you may pass; each runs after the library's and composes with it. */
export interface AuthCallbacks extends NonNullable<NextAuthConfig["callbacks"]> {}
/** The Auth.js events you may pass; each runs after the library's. */
export interface AuthEvents extends NonNullable<NextAuthConfig["events"]> {}
/** Your pages, as in Auth.js. */
export interface AuthPages extends NonNullable<NextAuthConfig["pages"]> {}
/** Cookie overrides, as in Auth.js. */
export interface AuthCookies extends NonNullable<NextAuthConfig["cookies"]> {}
/** Auth.js's logger. */
export interface AuthLogger extends NonNullable<NextAuthConfig["logger"]> {}
/** Theme of Auth.js's built-in pages. */
export interface AuthTheme extends NonNullable<NextAuthConfig["theme"]> {}
