/** Debian's Chromium driven by playwright-core: nothing downloads a browser. */
import fs from "node:fs";
import path from "node:path";
import { chromium, devices, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SHOTS = path.resolve("test-results");

export async function launch(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH.`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Without these, Chromium tries to reach Google's services, which this network refuses.
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

/** A separate device: its own cookies, storage and device id. */
export async function device(browser: Browser, baseURL: string, kind: "desktop" | "phone" = "desktop"): Promise<BrowserContext> {
  const options = kind === "phone" ? { ...devices["Pixel 7"], baseURL } : { viewport: { width: 1280, height: 860 }, baseURL, locale: "en-US" };
  return browser.newContext(options);
}

export async function shot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
}

/** Signs up through the UI (the first device of a user). */
export async function signUp(page: Page, email: string, password = "correct horse battery") {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(email.split("@")[0]!);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  await appReady(page);
}

/** Waits until the signed-in app has committed its page (AppShell marks <html data-ready>): a key pressed
 *  before that reaches a control whose handler is not attached yet. */
export async function appReady(page: Page) {
  await page.locator("html[data-ready]").waitFor({ state: "attached", timeout: 30_000 });
}

/** Waits until React has hydrated this element (its props, handlers included, are attached to the node): the
 *  server's HTML shows a button before its handler exists, and a part of the page can hydrate after the shell. */
export async function hydrated(locator: Locator) {
  const handle = await locator.elementHandle({ timeout: 30_000 });
  await locator.page().waitForFunction((el) => el !== null && Object.keys(el).some((key) => key.startsWith("__reactProps$")), handle, { timeout: 30_000 });
}

/** Signs in through the UI (another device of the same user). */
export async function signIn(page: Page, email: string, password = "correct horse battery") {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  await appReady(page);
}
