/**
 * A real user journey through the production build of examples/app, in Debian's Chromium driven
 * by playwright-core. Nothing is mocked: the app, its database (a libSQL file, or PostgreSQL on the
 * example-app:postgres project), Auth.js and the signature-verifying S3 server are the real ones. The one stand-in is mail, which the app's dev
 * mailbox captures (DEV_MAILBOX=1) instead of sending; the test reads the links from /dev/mailbox
 * like a person would.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { journeyEngine, type RunningApp, startApp } from "./app-server";
import { buildLog, prerenderProblems } from "./prerender-log";

/**
 * At the repository root, git-ignored; CI keeps the folder as an artifact (.ci/run prints where).
 * The run on PostgreSQL (project example-app:postgres) saves into its own subfolder.
 */
const screenshots = join(
  dirname(fileURLToPath(import.meta.url)),
  ...["..", "..", "..", "artifacts", "screenshots"],
  ...(journeyEngine === "postgres" ? ["postgres"] : []),
);
/** Every page is photographed, and its layout checked, at a laptop's width and a phone's. */
const WIDTHS = [1280, 390] as const;
const firstEmail = `ada-${Date.now()}@example.com`;
const secondEmail = `ada.lovelace-${Date.now()}@example.com`;
let email = firstEmail;
const password = "correct horse battery staple";
const newPassword = "a brand new passphrase";
const thirdPassword = "third time lucky, or so";
/** The second user: invited to Ada's organization, signs up with the invited address. */
const memberEmail = `charles-${Date.now()}@example.com`;
const memberPassword = "engines of difference and analysis";

let app: RunningApp;
let browser: Browser;
let laptop: BrowserContext; // the user's main browser
let phone: BrowserContext; // a second browser, for the session to revoke
let page: Page;
let memberPage: Page; // the second user's own browser (a context of its own)

/**
 * Saves `<name>-1280.png` and `<name>-390.png`, checking at each width that nothing is wider than
 * the window and that the header is one row. The viewport goes back to what it was.
 */
async function shot(target: Page, name: string): Promise<void> {
  const before = target.viewportSize() ?? { width: 1280, height: 720 };
  try {
    for (const width of WIDTHS) {
      await target.setViewportSize({ width, height: 800 });
      // The header streams in after the page shell (it reads the session behind <Suspense>).
      await target.locator(".site-header:visible").waitFor();
      await checkLayout(target, `${name} at ${width} px`, width);
      await target.screenshot({ path: join(screenshots, `${name}-${width}.png`), fullPage: true });
    }
  } finally {
    await target.setViewportSize(before);
  }
}

/** No horizontal scrolling, and every visible item of the header bar on one row. */
async function checkLayout(target: Page, where: string, width: number): Promise<void> {
  const layout = await target.evaluate(() => {
    // With Cache Components, Next keeps pages navigated away from in the DOM, hidden (React
    // Activity): only the visible header is the one on screen.
    const bar = [...document.querySelectorAll(".site-header-bar")].find((element) => element.checkVisibility());
    const centers = [...(bar?.children ?? [])]
      .map((item) => item.getBoundingClientRect())
      .filter((box) => box.width > 0 && box.height > 0)
      .map((box) => box.top + box.height / 2);
    return {
      scrollWidth: document.documentElement.scrollWidth,
      headerItems: centers.length,
      headerRowSpread: centers.length ? Math.max(...centers) - Math.min(...centers) : 0,
    };
  });
  expect(layout.scrollWidth, `${where}: page wider than the window`).toBeLessThanOrEqual(width);
  expect(layout.headerItems, `${where}: header missing`).toBeGreaterThanOrEqual(2);
  expect(layout.headerRowSpread, `${where}: header wraps onto a second row`).toBeLessThanOrEqual(2);
}

/** The header's own record of the session it was rendered with. */
function headerSession(target: Page): Promise<string | null> {
  // Hidden copies of earlier pages' headers stay in the DOM (React Activity): the visible one.
  return target.locator(".site-header:visible").getAttribute("data-session");
}

/** Opens the dev mailbox and follows the first link of the newest mail to `to` whose subject matches. */
async function followMailLink(target: Page, to: string, subject: RegExp): Promise<void> {
  await target.goto(`${app.url}/dev/mailbox`);
  const mail = target
    .getByRole("article")
    .filter({ hasText: to })
    .filter({ has: target.getByRole("heading", { name: subject }) });
  await expect.poll(() => mail.count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await shot(target, "dev-mailbox");
  await mail.first().locator('a[href*="token="]').first().click();
}

/** The object files s3rver keeps under its directory. */
function storedFiles(): string[] {
  return readdirSync(join(app.scratch, "s3"), { recursive: true }).map(String);
}

const LONG_NAME = "quarterly-report-for-the-board-with-every-appendix-and-the-final-figures-v2.txt";

/**
 * The files table at `width`: every row one line high with its cells' borders level, every cell
 * under its column's header, and the long name truncated (not wrapped) with its title.
 */
async function checkFilesTable(target: Page, width: number): Promise<void> {
  const table = await target.locator("table.files:visible").evaluate((element) => {
    const box = (cell: Element) => cell.getBoundingClientRect();
    const heads = [...element.querySelectorAll("thead th")].filter((cell) => box(cell).width > 0);
    const rows = [...element.querySelectorAll("tbody tr")].map((row) => {
      const cells = [...row.children].filter((cell) => box(cell).width > 0);
      return {
        tops: cells.map((cell) => box(cell).top),
        bottoms: cells.map((cell) => box(cell).bottom),
        lefts: cells.map((cell) => Math.round(box(cell).left)),
        widths: cells.map((cell) => Math.round(box(cell).width)),
        height: box(row).height,
      };
    });
    const name = [...element.querySelectorAll("tbody th")].find((cell) => cell.textContent?.startsWith("quarterly"));
    const style = name ? getComputedStyle(name) : undefined;
    return {
      headLefts: heads.map((cell) => Math.round(box(cell).left)),
      headWidths: heads.map((cell) => Math.round(box(cell).width)),
      rows,
      lineHeight: parseFloat(getComputedStyle(element).lineHeight) || 24,
      name: name && {
        title: name.getAttribute("title"),
        whiteSpace: style?.whiteSpace,
        textOverflow: style?.textOverflow,
        truncated: name.scrollWidth > name.clientWidth,
      },
    };
  });
  const where = `files table at ${width} px`;
  expect(table.rows.length, where).toBeGreaterThanOrEqual(2);
  for (const row of table.rows) {
    expect(Math.max(...row.tops) - Math.min(...row.tops), `${where}: cell tops`).toBeLessThanOrEqual(1);
    expect(Math.max(...row.bottoms) - Math.min(...row.bottoms), `${where}: cell borders`).toBeLessThanOrEqual(1);
    expect(row.lefts, `${where}: columns`).toEqual(table.headLefts);
    expect(row.widths, `${where}: column widths`).toEqual(table.headWidths);
    // One line of text plus the Delete button's padding, never two lines.
    expect(row.height, `${where}: row height`).toBeLessThan(table.lineHeight * 2 + 8);
  }
  expect(table.name, where).toEqual({
    title: LONG_NAME,
    whiteSpace: "nowrap",
    textOverflow: "ellipsis",
    truncated: true,
  });
}

async function signIn(target: Page, withPassword: string): Promise<void> {
  await target.goto(`${app.url}/sign-in`);
  await target.getByLabel("Email").fill(email);
  await target.getByLabel("Password").fill(withPassword);
  await target.getByRole("button", { name: "Sign in" }).click();
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  // Failure shots of an earlier run would read as this run's; the page shots are overwritten.
  for (const file of readdirSync(screenshots)) {
    if (file.startsWith("failed-journey-")) rmSync(join(screenshots, file));
  }
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

// A failing step leaves a screenshot of where the browser was, next to the others (as it is:
// no resizing, no layout checks that could fail again).
afterEach(async ({ task }) => {
  if (task.result?.state === "fail" && page) {
    const name = `failed-journey-${task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}.png`;
    await page.screenshot({ path: join(screenshots, name), fullPage: true }).catch(() => {});
  }
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("examples/app in a real browser", () => {
  it("shows the home page to a visitor", async () => {
    await page.goto(app.url);
    expect(await headerSession(page)).toBe("signed-out");
    await shot(page, "home");
  });

  it("signs up and lands on the dashboard, unverified", async () => {
    await page.goto(`${app.url}/sign-up`);
    await shot(page, "sign-up");
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
    await shot(page, "verify-email");
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
    expect(await headerSession(page)).toBe("signed-out");
    await shot(page, "sign-in");
    await signIn(page, "not my password at all");
    const alert = page.locator("#sign-in-error");
    // The package's message, returned as data by the action (toActionError), not thrown.
    await expect.poll(() => alert.textContent()).toBe("Invalid email or password.");
    expect(await page.getByLabel("Email").inputValue()).toBe(email);
    await shot(page, "sign-in-error");
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
    await shot(page, "dashboard");
  });

  it("creates an API key, sees it once, reads the notes with it from a script, and revokes it", async () => {
    await page.goto(`${app.url}/account`);
    await page.getByRole("link", { name: "Manage API keys" }).click();
    await page.waitForURL(`${app.url}/account/api-keys`);
    await page.getByLabel("Name", { exact: true }).fill("Journey script");
    await page.getByRole("button", { name: "Create key" }).click();
    const shown = page.getByLabel("New API key");
    await shown.waitFor();
    const key = (await shown.textContent())?.trim() ?? "";
    expect(key).toMatch(/^tsk_[0-9A-Za-z]{43}$/);
    await shot(page, "api-key-created");

    // A script outside the browser: the key is its only credential.
    const notes = (headers: Record<string, string>) => fetch(`${app.url}/api/v1/notes`, { headers });
    const answer = await notes({ "x-api-key": key });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { notes: { body: string }[] };
    expect(body.notes.map((note) => note.body)).toContain("Buy more coffee");
    expect(await (await notes({})).json()).toMatchObject({ code: "API_KEY_INVALID" });

    // Shown once: after a reload the page has only its prefix and last four characters.
    await page.reload();
    const list = page.getByRole("list", { name: "API keys" });
    await expect.poll(() => list.getByText(`tsk_…${key.slice(-4)}`).count()).toBe(1);
    expect(await page.content()).not.toContain(key);
    await shot(page, "api-keys");

    await page.getByRole("button", { name: "Revoke Journey script" }).click();
    await expect.poll(() => page.getByText("No keys yet.").count()).toBe(1);
    const revoked = await notes({ "x-api-key": key });
    expect(revoked.status).toBe(401);
    await page.goto(`${app.url}/dashboard`);
  });

  it("fits the header into one row on a phone, the links in a menu that closes on navigation", async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    try {
      const menu = page.locator("details.site-menu:visible");
      await expect.poll(() => page.getByRole("link", { name: "Uploads" }).count()).toBe(0);
      await page.getByText("Menu", { exact: true }).click();
      expect(await menu.getAttribute("open")).not.toBeNull();
      const panel = await page.locator(".site-menu-panel").boundingBox();
      expect(panel && panel.x >= 0 && panel.x + panel.width <= 390).toBe(true);
      await shot(page, "dashboard-menu");
      await page.getByRole("link", { name: "Uploads" }).click();
      await page.waitForURL(`${app.url}/uploads`);
      await expect.poll(() => menu.getAttribute("open")).toBeNull();
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
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
    // A name far wider than its column: one line, cut with an ellipsis, the full name in the title.
    await page.getByLabel("File to upload").setInputFiles({
      name: LONG_NAME,
      mimeType: "text/plain",
      buffer: Buffer.from("a file with a long name\n"),
    });
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await page.getByRole("rowheader", { name: LONG_NAME }).waitFor();
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      await checkFilesTable(page, width);
    }
    await page.setViewportSize({ width: 1280, height: 720 });
    await shot(page, "uploads");
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
    await shot(page, "account");
    await page.getByRole("button", { name: /^Sign out Chrome on Linux, session/ }).click();
    await expect.poll(() => sessions.count()).toBe(1);

    // A click in the revoked browser's header (a client-side navigation) lands on Sign in, with a
    // header that says signed out: it is rendered with that page, not kept from the last one.
    expect(await headerSession(other)).toBe("signed-in");
    await other.getByRole("link", { name: "Uploads" }).click();
    await other.waitForURL(/\/sign-in/);
    await expect.poll(() => other.getByRole("heading", { name: "Sign in" }).count()).toBe(1);
    expect(await headerSession(other)).toBe("signed-out");
    expect(await other.getByRole("button", { name: "Sign out", exact: true }).count()).toBe(0);
    expect(await other.locator(".site-header:visible").getByRole("link", { name: "Sign in" }).count()).toBe(1);
    await shot(other, "sign-in-after-revocation");
    // A full page load too.
    await other.goto(`${app.url}/dashboard`);
    await other.waitForURL(/\/sign-in/);
    await expect.poll(() => other.getByRole("heading", { name: "Sign in" }).count()).toBe(1);
    expect(await headerSession(other)).toBe("signed-out");
    // This device is still signed in.
    await page.goto(`${app.url}/dashboard`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Hello, Ada");
  });

  it("resets the password through the emailed link", async () => {
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL(/\/sign-in/);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.waitForURL(`${app.url}/forgot-password`);
    await shot(page, "forgot-password");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Email me a reset link" }).click();
    await expect.poll(() => page.getByText("If an account uses this email").count()).toBe(1);

    await followMailLink(page, email, /Reset your/);
    await page.waitForURL(/\/reset-password\?token=/);
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await shot(page, "reset-password");
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
    await shot(page, "confirm-email-change");
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

  it("answers an unknown address with a 404 page inside the app's layout", async () => {
    const response = await page.goto(`${app.url}/no/such/page`);
    expect(response?.status()).toBe(404);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Page not found");
    expect(await page.locator(".site-header:visible").count()).toBe(1);
    expect(await headerSession(page)).toBe("signed-in");
    expect(await page.title()).toBe("Page not found · Tetrastack example");
    // Styled like the rest of the app: the card and the layout's width.
    const card = await page.locator("main .card:visible").evaluate((element) => getComputedStyle(element).borderRadius);
    expect(card).not.toBe("0px");
    await shot(page, "not-found");
    await page.getByRole("link", { name: "Go to the home page" }).click();
    await page.waitForURL(`${app.url}/`);
  });

  it("creates an organization and a project in it, and invites a second user as admin", async () => {
    await page.goto(`${app.url}/organizations`);
    await expect.poll(() => page.getByText("You are not a member of any organization yet.").count()).toBe(1);
    await shot(page, "organizations");
    await page.getByLabel("Organization name").fill("Analytical Engines");
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL(`${app.url}/org`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Analytical Engines");
    // The header's switcher shows it as the session's active organization.
    const switcher = page.locator(".site-header:visible").getByRole("combobox", { name: "Organization" });
    await expect.poll(() => switcher.locator("option:checked").textContent()).toBe("Analytical Engines");

    await page.getByLabel("Project name").fill("Difference engine");
    await page.getByRole("button", { name: "Add project" }).click();
    const projects = page.getByRole("list", { name: "Projects" });
    await expect.poll(() => projects.getByText("Difference engine").count()).toBe(1);

    await page.getByLabel("Email to invite").fill(memberEmail);
    await page.getByLabel("Role", { exact: true }).selectOption("admin");
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect.poll(() => page.getByText(`Invitation sent to ${memberEmail}.`).count()).toBe(1);
    await page.reload();
    await expect
      .poll(() => page.getByRole("list", { name: "Pending invitations" }).getByText(memberEmail).count())
      .toBe(1);
    await shot(page, "organization");
  });

  it("lets the invited address sign up, verify it, accept, and see the organization's project", async () => {
    memberPage = await (await browser.newContext()).newPage();
    await followMailLink(memberPage, memberEmail, /Join Analytical Engines/);
    await memberPage.waitForURL(/\/accept-invitation\?token=/);
    const invitationURL = memberPage.url();
    await expect
      .poll(() => memberPage.getByRole("heading", { level: 1 }).textContent())
      .toBe("Join Analytical Engines");
    await shot(memberPage, "accept-invitation-signed-out");

    await memberPage.getByRole("link", { name: "Create an account" }).click();
    await memberPage.waitForURL(`${app.url}/sign-up`);
    await memberPage.getByLabel("Name").fill("Charles");
    await memberPage.getByLabel("Email").fill(memberEmail);
    await memberPage.getByLabel("Password").fill(memberPassword);
    await memberPage.getByRole("button", { name: "Create account" }).click();
    await memberPage.waitForURL(`${app.url}/dashboard`);
    // The package accepts only a verified address: verify it first, from the mailbox.
    await followMailLink(memberPage, memberEmail, /Verify your email/);
    await memberPage.getByRole("button", { name: "Verify my email" }).click();
    await memberPage.waitForURL(`${app.url}/dashboard?notice=verified`);

    await memberPage.goto(invitationURL);
    await shot(memberPage, "accept-invitation");
    await memberPage.getByRole("button", { name: "Accept invitation" }).click();
    await memberPage.waitForURL(`${app.url}/org`);
    await expect
      .poll(() => memberPage.getByRole("list", { name: "Projects" }).getByText("Difference engine").count())
      .toBe(1);
    // As an admin, the page offers to delete it.
    expect(await memberPage.getByRole("button", { name: "Delete project Difference engine" }).count()).toBe(1);
    await shot(memberPage, "organization-admin");
  });

  it("demotes the second user, whose very next action is refused with a message", async () => {
    await page.reload();
    await page.getByLabel("Role of Charles", { exact: true }).selectOption("member");
    await page.getByRole("button", { name: "Change role of Charles" }).click();
    await expect.poll(() => page.getByText("Charles is now member.").count()).toBe(1);

    // Charles's page still shows the button it rendered as an admin; the action asks again.
    await memberPage.getByRole("button", { name: "Delete project Difference engine" }).click();
    await expect
      .poll(() => memberPage.getByRole("alert").filter({ hasText: "does not allow" }).textContent())
      .toBe("Your role in this organization does not allow this.");
    await expect
      .poll(() => memberPage.getByRole("list", { name: "Projects" }).getByText("Difference engine").count())
      .toBe(1);
    await shot(memberPage, "organization-forbidden");
    await memberPage.reload();
    await expect.poll(() => memberPage.getByText("member", { exact: true }).first().count()).toBe(1);
    await expect.poll(() => memberPage.getByRole("list", { name: "Projects" }).count()).toBe(1);
    expect(await memberPage.getByRole("button", { name: "Delete project Difference engine" }).count()).toBe(0);
    // Still a member: the project is there, and a member may add one (the page may still be streaming).
    await expect.poll(() => memberPage.getByRole("button", { name: "Add project" }).count()).toBe(1);
  });

  it("removes the second user, who loses the organization on the next request", async () => {
    await page.reload();
    await page.getByRole("button", { name: "Remove Charles" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Members" }).getByText("Charles").count()).toBe(0);

    await memberPage.reload();
    await memberPage.waitForURL(`${app.url}/organizations`);
    await expect.poll(() => memberPage.getByText("You are not a member of any organization yet.").count()).toBe(1);
    expect(await memberPage.getByText("Difference engine").count()).toBe(0);
    await shot(memberPage, "organizations-removed");
    await memberPage.goto(`${app.url}/org`);
    await memberPage.waitForURL(`${app.url}/organizations`);
    await memberPage.context().close();
  });

  it("shows the organization's audit log to its owner", async () => {
    await page.goto(`${app.url}/org`);
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.waitForURL(`${app.url}/org/audit`);
    const events = page.getByRole("list", { name: "Audit events" });
    for (const action of [
      "organization.created",
      "invitation.created",
      "invitation.accepted",
      "member.role_changed",
      "member.removed",
    ]) {
      await expect.poll(() => events.getByText(action, { exact: true }).count()).toBe(1);
    }
    await shot(page, "audit-log");
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
    await shot(page, "account-deleted");

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
