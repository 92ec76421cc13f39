/**
 * `next start` without AUTH_TRUST_HOST or AUTH_URL, as a first production run usually is: Auth.js
 * does not trust the Host header. Signing up must end on a message that says what to set, in the
 * form, and Auth.js's own routes on the app's error page, never on a raw JSON "server
 * configuration" page.
 * @see /tmp/issues/16.md (item 3)
 */
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "./app-server";

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  app = await startApp({ AUTH_TRUST_HOST: undefined });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("examples/app under next start without AUTH_TRUST_HOST", () => {
  it("signs up, and the form says to set AUTH_URL or AUTH_TRUST_HOST instead of failing", async () => {
    const page = await browser.newPage();
    const email = `host-${Date.now()}@example.com`;
    await page.goto(`${app.url}/sign-up`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("correct horse battery staple");
    await page.getByRole("button", { name: "Create account" }).click();
    const alert = page.locator("#sign-up-error");
    await expect.poll(() => alert.textContent()).toContain("AUTH_TRUST_HOST");
    expect(await alert.textContent()).toContain("AUTH_URL");
    expect(page.url()).toBe(`${app.url}/sign-up`);
    expect(await page.getByLabel("Email").inputValue()).toBe(email);
    expect(await page.content()).not.toContain("There was a problem with the server configuration");
  });

  it("sends Auth.js's own routes to the app's error page with ?error=UNTRUSTED_HOST", async () => {
    const response = await fetch(`${app.url}/api/auth/signin`, { redirect: "manual" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth-error?error=UNTRUSTED_HOST");
    const page = await browser.newPage();
    await page.goto(`${app.url}/api/auth/signin`);
    await page.waitForURL(`${app.url}/auth-error?error=UNTRUSTED_HOST`);
    await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("AUTH_TRUST_HOST");
  });

  it("logs the fix once, and no Auth.js UntrustedHost stack", () => {
    const logs = app.logs();
    expect(
      logs.match(/\[@tetrastack\/backend\/auth\] Auth\.js does not trust this server's Host header/g),
    ).toHaveLength(1);
    expect(logs).not.toContain("[auth][error] UntrustedHost");
  });
});
