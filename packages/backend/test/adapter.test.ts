import { DrizzleAdapter } from "@auth/drizzle-adapter";
import type { Adapter, AdapterAccount } from "next-auth/adapters";
import { beforeAll, describe, expect, it } from "vitest";
import { accounts, authenticators, sessions, users, verificationTokens } from "./engines/tables.js";
import { createTestDatabase } from "./helpers.js";

// The Auth.js adapter contract on this schema, method by method, in the order Auth.js uses them.
// Modelled on upstream's runBasicTests (next-auth packages/utils/adapter.ts), with relaxed row
// comparison because every row here also has created_at/updated_at.
describe("@auth/drizzle-adapter on this schema", () => {
  let adapter: Required<Adapter>;
  let cleanup: () => void;
  const day = 24 * 60 * 60 * 1000;
  const state: { userId: string; sessionToken: string } = { userId: "", sessionToken: "a-session-token" };

  beforeAll(async () => {
    const t = await createTestDatabase();
    cleanup = t.cleanup;
    // The tables satisfy the adapter's types unchanged (typecheck covers this call).
    adapter = DrizzleAdapter(t.db, {
      usersTable: users,
      accountsTable: accounts,
      sessionsTable: sessions,
      verificationTokensTable: verificationTokens,
      authenticatorsTable: authenticators,
    }) as Required<Adapter>;
    return () => cleanup();
  });

  it("createUser ignores the v4 id Auth.js passes and stores a UUIDv7", async () => {
    const v4 = crypto.randomUUID();
    const user = await adapter.createUser({
      id: v4,
      email: "fill@example.com",
      emailVerified: null,
      name: "Fill",
      image: null,
    });
    expect(user.id).not.toBe(v4);
    expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(user).toMatchObject({ email: "fill@example.com", name: "Fill", emailVerified: null, image: null });
    state.userId = user.id;
  });

  it("getUser, getUserByEmail find the user; unknown ones give null", async () => {
    expect(await adapter.getUser(state.userId)).toMatchObject({ id: state.userId, email: "fill@example.com" });
    expect(await adapter.getUserByEmail("fill@example.com")).toMatchObject({ id: state.userId });
    expect(await adapter.getUser("00000000-0000-7000-8000-000000000000")).toBeNull();
    expect(await adapter.getUserByEmail("nobody@example.com")).toBeNull();
  });

  it("updateUser changes fields and keeps the id", async () => {
    const verified = new Date("2026-01-02T03:04:05.678Z");
    const updated = await adapter.updateUser({ id: state.userId, name: "Renamed", emailVerified: verified });
    expect(updated).toMatchObject({ id: state.userId, name: "Renamed", emailVerified: verified });
  });

  it("linkAccount, getUserByAccount, getAccount", async () => {
    const account: AdapterAccount = {
      userId: state.userId,
      type: "oauth",
      provider: "github",
      providerAccountId: "gh-1",
      access_token: "at",
      refresh_token: "rt",
      expires_at: 1_900_000_000,
      token_type: "bearer",
      scope: "read:user",
      id_token: "idt",
      session_state: "ss",
    };
    await adapter.linkAccount(account);
    expect(await adapter.getUserByAccount({ provider: "github", providerAccountId: "gh-1" })).toMatchObject({
      id: state.userId,
    });
    expect(await adapter.getAccount("gh-1", "github")).toMatchObject(account);
    expect(await adapter.getUserByAccount({ provider: "github", providerAccountId: "other" })).toBeNull();
  });

  it("createSession, getSessionAndUser, updateSession, deleteSession", async () => {
    const expires = new Date(Date.now() + day);
    const session = await adapter.createSession({ sessionToken: state.sessionToken, userId: state.userId, expires });
    expect(session).toMatchObject({ sessionToken: state.sessionToken, userId: state.userId, expires });
    const found = await adapter.getSessionAndUser(state.sessionToken);
    expect(found?.session).toMatchObject({ sessionToken: state.sessionToken, userId: state.userId });
    expect(found?.user).toMatchObject({ id: state.userId });
    const later = new Date(Date.now() + 2 * day);
    expect(await adapter.updateSession({ sessionToken: state.sessionToken, expires: later })).toMatchObject({
      expires: later,
    });
    await adapter.deleteSession(state.sessionToken);
    expect(await adapter.getSessionAndUser(state.sessionToken)).toBeNull();
  });

  it("createVerificationToken and useVerificationToken (single use)", async () => {
    const token = { identifier: "fill@example.com", token: "vt-1", expires: new Date(Date.now() + day) };
    expect(await adapter.createVerificationToken(token)).toMatchObject(token);
    expect(await adapter.useVerificationToken({ identifier: token.identifier, token: token.token })).toMatchObject(
      token,
    );
    expect(await adapter.useVerificationToken({ identifier: token.identifier, token: token.token })).toBeNull();
  });

  it("authenticators: create, get, list, update counter", async () => {
    const authenticator = {
      userId: state.userId,
      providerAccountId: "gh-1",
      credentialID: "cred-1",
      credentialPublicKey: "pk",
      counter: 1,
      credentialDeviceType: "multiDevice",
      credentialBackedUp: true,
      transports: "internal",
    };
    expect(await adapter.createAuthenticator(authenticator)).toMatchObject(authenticator);
    expect(await adapter.getAuthenticator("cred-1")).toMatchObject(authenticator);
    expect(await adapter.listAuthenticatorsByUserId(state.userId)).toHaveLength(1);
    expect(await adapter.updateAuthenticatorCounter("cred-1", 5)).toMatchObject({ counter: 5 });
    await expect(adapter.updateAuthenticatorCounter("missing", 1)).rejects.toThrow();
  });

  it("unlinkAccount removes the account", async () => {
    await adapter.unlinkAccount({ provider: "github", providerAccountId: "gh-1" });
    expect(await adapter.getAccount("gh-1", "github")).toBeNull();
  });

  it("deleteUser removes the user with its sessions, accounts and authenticators", async () => {
    await adapter.linkAccount({ userId: state.userId, type: "oauth", provider: "google", providerAccountId: "g-1" });
    await adapter.createSession({ sessionToken: "s-2", userId: state.userId, expires: new Date(Date.now() + day) });
    await adapter.deleteUser(state.userId);
    expect(await adapter.getUser(state.userId)).toBeNull();
    expect(await adapter.getSessionAndUser("s-2")).toBeNull();
    expect(await adapter.getUserByAccount({ provider: "google", providerAccountId: "g-1" })).toBeNull();
    expect(await adapter.getAuthenticator("cred-1")).toBeNull();
  });
});
