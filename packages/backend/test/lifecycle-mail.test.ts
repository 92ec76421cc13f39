// Must come first: registers the module hooks before anything loads next-auth.
import "./auth-next-request.js";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type ConfigError,
  createAuth,
  createDevMailbox,
  defaultEmailTemplates,
  type EmailTemplates,
} from "../src/auth/index.js";
import type { Database } from "../src/database/index.js";
import { createTestAuth, ORIGIN, PASSWORD, register, TEST_SECRET } from "./auth-helpers.js";
import { createTestDatabase } from "./helpers.js";
import { action, createLifecycleAuth, rejection, signedIn } from "./lifecycle-helpers.js";

// Mail configuration, templates and the development mailbox. The flows run for real on a libSQL
// file database; the mail provider is mocked (captureMail) or is the library's dev mailbox.

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("createDevMailbox", () => {
  it("keeps the newest mails, logs them, and is shared by name across instances", async () => {
    const log = vi.spyOn(console, "info").mockImplementation(() => undefined);
    const mailbox = createDevMailbox({ limit: 2, name: "test-shared" });
    mailbox.clear();
    for (const n of [1, 2, 3]) {
      await mailbox.sendEmail({
        to: `u${n}@example.com`,
        subject: `Mail ${n}`,
        text: `Open https://app.example/p?token=t${n} now`,
        html: "<p>x</p>",
      });
    }
    const messages = mailbox.messages();
    expect(messages.map((m) => m.subject)).toEqual(["Mail 3", "Mail 2"]);
    expect(messages[0]).toMatchObject({ to: "u3@example.com", links: ["https://app.example/p?token=t3"] });
    expect(messages[0]?.sentAt).toBeInstanceOf(Date);
    expect(messages[0]?.id).not.toBe(messages[1]?.id);
    expect(mailbox.latest(" U2@Example.com ")?.subject).toBe("Mail 2");
    expect(mailbox.latest()?.subject).toBe("Mail 3");
    expect(mailbox.latest("u1@example.com")).toBeUndefined();
    expect(log).toHaveBeenCalledTimes(3);
    expect(String(log.mock.calls[2]?.[0])).toContain(
      "mail to u3@example.com: Mail 3\n  https://app.example/p?token=t3",
    );

    const sameName = createDevMailbox({ name: "test-shared", log: false });
    expect(sameName.messages()).toHaveLength(2);
    expect(createDevMailbox({ name: "test-other" }).messages()).toEqual([]);
    sameName.clear();
    expect(mailbox.messages()).toEqual([]);
  });

  it("is refused in production", () => {
    vi.stubEnv("NODE_ENV", "production");
    expect(() => createDevMailbox()).toThrow(/real sendEmail in production/);
  });

  it("receives the flows' mail when createAuth has no sendEmail outside production", async () => {
    const log = vi.spyOn(console, "info").mockImplementation(() => undefined);
    const mailbox = createDevMailbox();
    mailbox.clear();
    const t = await createTestAuth({ baseURL: ORIGIN });
    try {
      await register(t.auth, "dev@example.com");
      await action(null, () => t.auth.requestPasswordReset("dev@example.com"));
      const mail = mailbox.latest("dev@example.com");
      expect(mail?.subject).toBe("Reset your localhost:3000 password");
      expect(String(log.mock.calls.at(-1)?.[0])).toContain(`${ORIGIN}/reset-password?token=`);
      const token = new URL(mail?.links[0] ?? "").searchParams.get("token") ?? "";
      expect(await action(null, () => t.auth.resetPassword(token, "dev passphrase 123"))).toMatchObject({
        email: "dev@example.com",
      });
    } finally {
      t.cleanup();
      mailbox.clear();
    }
  });
});

describe("mail configuration", () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ db, cleanup } = await createTestDatabase());
  });
  afterAll(() => cleanup());

  function configError(fn: () => unknown): ConfigError {
    try {
      fn();
    } catch (error) {
      return error as ConfigError;
    }
    throw new Error("expected a ConfigError");
  }

  it("refuses, at creation in production, to start without a sendEmail", () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("AUTH_SECRET", TEST_SECRET);
    const error = configError(() =>
      createAuth({ db, emailVerification: { required: true }, emailSignIn: { enabled: true } }),
    );
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.issues.map((issue) => issue.path)).toEqual(["sendEmail"]);
    expect(error.message).toContain("pass a sendEmail function");
  });

  it("refuses options that need mail with sendEmail: false, in any environment", () => {
    const error = configError(() =>
      createAuth({ db, secret: TEST_SECRET, sendEmail: false, emailSignIn: { enabled: true } }),
    );
    expect(error.issues).toEqual([{ path: "emailSignIn.enabled", message: "needs mail, but sendEmail is false" }]);
  });

  it("requires a base URL for links in production, never the Host header", () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("AUTH_SECRET", TEST_SECRET);
    vi.stubEnv("AUTH_URL", "");
    const error = configError(() => createAuth({ db, sendEmail: () => undefined }));
    expect(error.issues.map((issue) => issue.path)).toEqual(["baseURL"]);
    vi.stubEnv("AUTH_URL", "https://app.example.com/api/auth");
    expect(createAuth({ db, sendEmail: () => undefined }).requestPasswordReset).toBeTypeOf("function");
  });

  it("throws MAIL_NOT_CONFIGURED from a mail flow instead of skipping the mail", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const off = await createTestAuth({ sendEmail: false });
    try {
      await register(off.auth, "off@example.com");
      const error = await rejection(action(null, () => off.auth.requestPasswordReset("off@example.com")));
      expect(error).toMatchObject({ name: "MailNotConfiguredError", code: "MAIL_NOT_CONFIGURED", status: 500 });
      // Flows without mail still work.
      const { browser } = await signedIn(off.auth, "still@example.com");
      expect(await action(browser, () => off.auth.changePassword(PASSWORD, "changed passphrase"))).toEqual({
        revokedSessions: 0,
      });
    } finally {
      off.cleanup();
    }

    // The same in production, where sendEmail: false is the explicit way to run without mail.
    vi.stubEnv("NODE_ENV", "production");
    const production = createAuth({ db, secret: TEST_SECRET, sendEmail: false });
    const error = await rejection(action(null, () => production.requestPasswordReset("x@example.com")));
    expect(error.code).toBe("MAIL_NOT_CONFIGURED");
    expect(error.message).toContain("sendEmail: false");
  });

  it("fails the flow when delivery fails, rather than pretending", async () => {
    const t = await createTestAuth({
      baseURL: ORIGIN,
      sendEmail: async () => {
        throw new Error("provider down");
      },
    });
    try {
      await register(t.auth, "down@example.com");
      const error = await rejection(action(null, () => t.auth.requestPasswordReset("down@example.com")));
      expect(error.message).toBe("provider down");
    } finally {
      t.cleanup();
    }
  });
});

describe("templates", () => {
  const params = {
    to: "ann@example.com",
    url: "https://app.example.com/reset-password?token=abc&x=<y>",
    expires: new Date(Date.now() + 3_600_000),
    appName: `Ann's <App> & "Co"`,
  };

  it("are plain, accessible, escaped, and carry the link as the only secret", async () => {
    const names = ["verifyEmail", "resetPassword", "changeEmail", "deleteAccount", "signInLink"] as const;
    for (const name of names) {
      const mail = await defaultEmailTemplates[name](params);
      expect(mail.subject).toContain(params.appName);
      expect(mail.text).toContain(params.url); // the link written out for text-only clients
      expect(mail.text).toContain("expires in 1 hour");
      expect(mail.html).toMatch(/^<!doctype html><html lang="en">/);
      expect(mail.html).toContain('<a href="https://app.example.com/reset-password?token=abc&amp;x=&lt;y&gt;"');
      expect(mail.html).toContain("Ann&#39;s &lt;App&gt; &amp; &quot;Co&quot;");
      expect(mail.html).not.toMatch(/<script|<img|<App>/);
      expect([...mail.text.matchAll(/https?:\/\/\S+/g)]).toHaveLength(1);
    }
    const notice = await defaultEmailTemplates.emailChanged({
      to: "old@example.com",
      previousEmail: "old@example.com",
      newEmail: "new@example.com",
      appName: "App",
    });
    expect(notice.text).not.toMatch(/https?:\/\//);
  });

  it("can be replaced per flow", async () => {
    const resetPassword: EmailTemplates["resetPassword"] = async (p) => ({
      ...(await defaultEmailTemplates.resetPassword(p)),
      subject: `Custom reset for ${p.to}`,
    });
    const t = await createLifecycleAuth({ passwordReset: { template: resetPassword, path: "/account/reset" } });
    try {
      await register(t.auth, "custom@example.com");
      await action(null, () => t.auth.requestPasswordReset("custom@example.com"));
      expect(t.mail.last("custom@example.com").subject).toBe("Custom reset for custom@example.com");
      expect(t.mail.link("custom@example.com").pathname).toBe("/account/reset");
    } finally {
      t.cleanup();
    }
  });
});
