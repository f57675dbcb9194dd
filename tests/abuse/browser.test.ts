/**
 * The web defaults seen from a real browser (Debian's Chromium): the pages hydrate and work under the CSP
 * (no violation reported), the sign-up form shows why a password is refused, and the app cannot be framed.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { device, launch, shot } from "../e2e/browser";

const url = inject("abuseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe("in the browser", () => {
  it("signs up under the CSP: a common password is refused with its reason, then the app loads and hydrates", async () => {
    const context = await device(browser, url);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    const email = `browser-${randomUUID()}@example.test`;
    await page.goto("/sign-up");
    await expect.poll(() => page.getByText("At least 10 characters").isVisible()).toBe(true);
    await page.getByLabel("Name").fill("Browser");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("password123");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => page.locator("#auth-error").textContent()).toMatch(/too common/);
    await shot(page, "abuse-signup-common-password");

    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL((u) => u.pathname === "/");
    // Hydrated: the client fetched the (empty) CV list and shows it.
    await expect.poll(() => page.getByText("No CVs yet").isVisible(), { timeout: 15_000 }).toBe(true);
    expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
    await context.close();
  });

  it("refuses to be framed by another origin", async () => {
    const context = await device(browser, url);
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on("console", (m) => blocked.push(m.text()));
    // A page of another origin (about:blank counts as one) framing the sign-in page.
    await page.setContent(`<iframe id="f" src="${url}/sign-in"></iframe>`);
    await expect.poll(() => blocked.some((t) => /frame-ancestors|X-Frame-Options|Refused to display/i.test(t)), { timeout: 10_000 }).toBe(true);
    const frame = page.frames().find((f) => f.url().includes("/sign-in"));
    const rendered = frame ? await frame.locator("form").count().catch(() => 0) : 0;
    expect(rendered).toBe(0);
    await context.close();
  });
});
