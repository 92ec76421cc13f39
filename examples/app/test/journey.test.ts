/**
 * A real user journey through the production build of examples/app, in Debian's Chromium driven
 * by playwright-core. Nothing is mocked: the app, its libSQL database, Auth.js and the
 * signature-verifying S3 server are the real ones. The one stand-in is mail, which the app's dev
 * mailbox captures (DEV_MAILBOX=1) instead of sending; the test reads the links from /dev/mailbox
 * like a person would.
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "./app-server";
import { buildLog, prerenderProblems } from "./prerender-log";

const screenshots = join(dirname(fileURLToPath(import.meta.url)), "..", "test-results");
const firstEmail = `ada-${Date.now()}@example.com`;
const secondEmail = `ada.lovelace-${Date.now()}@example.com`;
let email = firstEmail;
const password = "correct horse battery staple";
const newPassword = "a brand new passphrase";
const thirdPassword = "third time lucky, or so";

let app: RunningApp;
let browser: Browser;
let laptop: BrowserContext; // the user's main browser
let phone: BrowserContext; // a second browser, for the session to revoke
let page: Page;

async function shot(target: Page, name: string): Promise<void> {
  await target.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** Opens the dev mailbox and follows the first link of the newest mail to `to` whose subject matches. */
async function followMailLink(target: Page, to: string, subject: RegExp): Promise<void> {
  await target.goto(`${app.url}/dev/mailbox`);
  const mail = target
    .getByRole("article")
    .filter({ hasText: to })
    .filter({ has: target.getByRole("heading", { name: subject }) });
  await expect.poll(() => mail.count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await shot(target, "00-dev-mailbox");
  await mail.first().locator('a[href*="token="]').first().click();
}

/** The object files s3rver keeps under its directory. */
function storedFiles(): string[] {
  return readdirSync(join(app.scratch, "s3"), { recursive: true }).map(String);
}

async function signIn(target: Page, withPassword: string): Promise<void> {
  await target.goto(`${app.url}/sign-in`);
  await target.getByLabel("Email").fill(email);
  await target.getByLabel("Password").fill(withPassword);
  await target.getByRole("button", { name: "Sign in" }).click();
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  app = await startApp();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  // Fresh contexts: each is its own profile (cookies, storage), like two devices.
  laptop = await browser.newContext({ acceptDownloads: true });
  phone = await browser.newContext();
  page = await laptop.newPage();
});

// A failing step leaves a screenshot of where the browser was, next to the others.
afterEach(async ({ task }) => {
  if (task.result?.state === "fail" && page) {
    await shot(page, `failed-${task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}`).catch(() => {});
  }
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("examples/app in a real browser", () => {
  it("signs up and lands on the dashboard, unverified", async () => {
    await page.goto(`${app.url}/sign-up`);
    await shot(page, "01-sign-up");
    await page.getByLabel("Name").fill("Ada");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${app.url}/dashboard`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Hello, Ada");
    await expect.poll(() => page.getByText("not verified yet").count()).toBe(1);
  });

  it("verifies the email with the link from the dev mailbox", async () => {
    await followMailLink(page, email, /Verify your email/);
    await page.waitForURL(/\/verify-email\?token=/);
    const verifyURL = page.url();
    await shot(page, "02-verify-email");
    await page.getByRole("button", { name: "Verify my email" }).click();
    await page.waitForURL(`${app.url}/dashboard?notice=verified`);
    await expect.poll(() => page.getByText("Your email address is verified.").count()).toBe(1);
    expect(await page.getByText("not verified yet").count()).toBe(0);
    // The link is single-use.
    await page.goto(verifyURL);
    await page.getByRole("button", { name: "Verify my email" }).click();
    await expect
      .poll(() => page.locator("#token-error").textContent())
      .toContain("This link is invalid or has already been used.");
    await page.goto(`${app.url}/dashboard`);
  });

  it("signs out, fails with a wrong password and sees why, then signs in", async () => {
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL(/\/sign-in\?notice=signed-out/);
    await signIn(page, "not my password at all");
    const alert = page.locator("#sign-in-error");
    // The package's message, returned as data by the action (toActionError), not thrown.
    await expect.poll(() => alert.textContent()).toBe("Invalid email or password.");
    expect(await page.getByLabel("Email").inputValue()).toBe(email);
    await shot(page, "03-sign-in-error");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${app.url}/dashboard`);
  });

  it("creates a note in the app's own table and sees it listed", async () => {
    await page.getByLabel("New note").fill("Buy more coffee");
    await page.getByRole("button", { name: "Add note" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Notes" }).getByText("Buy more coffee").count()).toBe(1);
    await page.reload();
    await expect.poll(() => page.getByRole("list", { name: "Notes" }).getByText("Buy more coffee").count()).toBe(1);
    await shot(page, "04-dashboard");
  });

  it("uploads a file through the presigned URL, lists it and downloads it", async () => {
    await page.goto(`${app.url}/uploads`);
    const content = `hello from the journey test ${Date.now()}\n`;
    await page.getByLabel("File to upload").setInputFiles({
      name: "report.txt",
      mimeType: "text/plain",
      buffer: Buffer.from(content),
    });
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await page.getByRole("rowheader", { name: "report.txt" }).waitFor();
    expect(await page.locator("#upload-progress").getAttribute("value")).toBe("100");
    await shot(page, "05-uploads");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download report.txt" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("report.txt");
    expect(readFileSync(await download.path(), "utf8")).toBe(content);
    expect(storedFiles().filter((file) => file.includes("report")).length).toBeGreaterThan(0);
  });

  it("refuses a file type the policy does not allow, with a message", async () => {
    await page.getByLabel("File to upload").setInputFiles({
      name: "page.html",
      mimeType: "text/html",
      buffer: Buffer.from("<p>hi</p>"),
    });
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await expect.poll(() => page.locator("#upload-error").textContent()).toContain("This file type is not allowed");
  });

  it("revokes the session of another device", async () => {
    const other = await phone.newPage();
    await signIn(other, password);
    await other.waitForURL(`${app.url}/dashboard`);

    await page.goto(`${app.url}/account`);
    const sessions = page.getByRole("list", { name: "Sessions" }).getByRole("listitem");
    await expect.poll(() => sessions.count()).toBe(2);
    await shot(page, "06-account");
    await page.getByRole("button", { name: /^Sign out Chrome on Linux, session/ }).click();
    await expect.poll(() => sessions.count()).toBe(1);

    await other.goto(`${app.url}/dashboard`);
    await other.waitForURL(/\/sign-in/);
    await expect.poll(() => other.getByRole("heading", { name: "Sign in" }).count()).toBe(1);
    // This device is still signed in.
    await page.goto(`${app.url}/dashboard`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Hello, Ada");
  });

  it("resets the password through the emailed link", async () => {
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL(/\/sign-in/);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.waitForURL(`${app.url}/forgot-password`);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Email me a reset link" }).click();
    await expect.poll(() => page.getByText("If an account uses this email").count()).toBe(1);

    await followMailLink(page, email, /Reset your/);
    await page.waitForURL(/\/reset-password\?token=/);
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await shot(page, "07-reset-password");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.waitForURL(/\/sign-in\?notice=password-reset/);

    await signIn(page, password);
    await expect.poll(() => page.locator("#sign-in-error").textContent()).toContain("Invalid email or password");
    await page.getByLabel("Password").fill(newPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${app.url}/dashboard`);
  });

  it("changes the password on the account page", async () => {
    await page.goto(`${app.url}/account`);
    await page.getByLabel("Current password").fill("not the current one");
    await page.getByLabel("New password", { exact: true }).fill(thirdPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => page.locator("#password-error").textContent()).toBe("The password is wrong.");
    await page.getByLabel("Current password").fill(newPassword);
    await page.getByLabel("New password", { exact: true }).fill(thirdPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => page.getByText("Password changed.").count()).toBe(1);
  });

  it("changes the email through a link sent to the new address", async () => {
    await page.getByLabel("New email").fill(secondEmail);
    // Proof beyond the session cookie: without the password nothing is sent.
    await page.getByLabel("Your password").fill("not my password");
    await page.getByRole("button", { name: "Send confirmation link" }).click();
    await expect.poll(() => page.locator("#email-error").textContent()).toBe("The password is wrong.");
    await page.getByLabel("New email").fill(secondEmail);
    await page.getByLabel("Your password").fill(thirdPassword);
    await page.getByRole("button", { name: "Send confirmation link" }).click();
    await expect.poll(() => page.getByText(`We sent a confirmation link to ${secondEmail}`).count()).toBe(1);
    await followMailLink(page, secondEmail, /Confirm your new email/);
    await page.waitForURL(/\/confirm-email-change\?token=/);
    await page.getByRole("button", { name: "Confirm new email" }).click();
    await page.waitForURL(`${app.url}/account?notice=email-changed`);
    await expect.poll(() => page.getByText(`Your email address is now ${secondEmail}`).count()).toBe(1);
    // The old address is told.
    await page.goto(`${app.url}/dev/mailbox`);
    await expect
      .poll(() =>
        page
          .getByRole("article")
          .filter({ hasText: firstEmail })
          .filter({ hasText: /was changed/ })
          .count(),
      )
      .toBe(1);
    email = secondEmail;
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL(/\/sign-in/);
    await signIn(page, thirdPassword);
    await page.waitForURL(`${app.url}/dashboard`);
  });

  it("deletes the account with its notes and stored files", async () => {
    await page.goto(`${app.url}/account`);
    await page.getByRole("button", { name: "Delete my account" }).click();
    // The checkbox is required: the browser refuses to submit without it.
    expect(page.url()).toBe(`${app.url}/account`);
    await page.getByLabel("I understand that my notes and files will be deleted for good").check();
    await page.getByLabel("Password to confirm").fill(thirdPassword);
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.waitForURL(/\/sign-in\?notice=account-deleted/);
    await expect.poll(() => page.getByText("Your account was deleted.").count()).toBe(1);
    await shot(page, "08-account-deleted");

    // The stored object went with the account (s3rver keeps objects as files under its directory).
    expect(storedFiles().filter((file) => file.includes("report"))).toEqual([]);

    await signIn(page, thirdPassword);
    await expect.poll(() => page.locator("#sign-in-error").textContent()).toContain("Invalid email or password");
    await page.goto(`${app.url}/dashboard`);
    await page.waitForURL(/\/sign-in/);
  });

  it("logged no prerender error or warning with Cache Components on, building or serving", () => {
    expect(buildLog()).toContain("Cache Components enabled");
    expect(prerenderProblems(buildLog())).toEqual([]);
    expect(prerenderProblems(app.logs())).toEqual([]);
  });
});
