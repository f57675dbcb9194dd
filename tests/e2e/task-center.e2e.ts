/** The task center as a user drives it: undo on every device, a keyboard-only flow, French from the first page, deep links. */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, BrowserContext, FileChooser, Page } from "playwright-core";
import type { CvListResponse } from "@/shared/cv";
import type { TaskResponse, TaskSyncResponse } from "@/shared/tasks";
import { hydrated, launch, shot, signIn, signUp } from "./browser";
import { apiFromPage, cvFile, openTasks, taskItem, uniqueEmail } from "./helpers";

const baseUrl = inject("baseUrl");
const SYNC = "/api/background-tasks/sync";
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launch();
});
// Each test's devices go when it ends: pages left polling and pushing slow the next test's browser down.
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close().catch(() => {});
});
afterAll(async () => {
  await browser?.close();
});

async function newPage(options: { locale?: string; width?: number } = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: options.width ?? 1366, height: 860 }, locale: options.locale ?? "en-US" });
  contexts.push(context);
  return context.newPage();
}

const focusedTestId = (page: Page) =>
  page.evaluate(() => ({
    inTaskCenter: document.activeElement?.closest("[data-testid=task-center]") !== null,
    tag: document.activeElement?.tagName ?? "",
    text: (document.activeElement as HTMLElement | null)?.innerText ?? "",
  }));

describe("undo a deleted task", () => {
  it("Undo in the toast brings the task back on this device and on another one", async () => {
    const email = uniqueEmail("undo");
    const desktop = await newPage();
    await signUp(desktop, email);
    const phone = await newPage({ width: 390 });
    await signIn(phone, email);
    const { task } = await apiFromPage<TaskResponse>(desktop, SYNC, { method: "POST", body: { type: "noop", title: "Keep me", payload: { durationMs: 50, steps: 1 } } });
    await openTasks(desktop);
    await openTasks(phone);
    const row = (page: Page) => page.locator(`[data-testid=task-center] li[data-task-id="${task.id}"][data-status=completed]`);
    await row(desktop).waitFor({ timeout: 20_000 });
    await row(phone).waitFor({ timeout: 20_000 });

    await row(desktop).getByRole("button", { name: "Delete: Keep me" }).click();
    await row(desktop).waitFor({ state: "detached" });
    await row(phone).waitFor({ state: "detached", timeout: 5000 }); // the deletion reached the other device
    const undo = desktop.getByTestId("toast-undo");
    await undo.waitFor();
    await shot(desktop, "task-center-undo");
    await undo.click();
    await row(desktop).waitFor({ timeout: 5000 });
    await row(phone).waitFor({ timeout: 5000 }); // and so did the undo
    expect((await apiFromPage<TaskSyncResponse>(phone, SYNC)).tasks.map((t) => t.id)).toContain(task.id);
  });
});

describe("keyboard only", () => {
  it("import → cancel → clear with the keyboard: focus stays in the task center after each cancel", async () => {
    const page = await newPage();
    // Listen for the file chooser from the start, so the browser intercepts it well before the key is pressed.
    const choosers: FileChooser[] = [];
    page.on("filechooser", (chooser) => choosers.push(chooser));
    await signUp(page, uniqueEmail("keys"));
    // Import by keyboard: one tab stop (the button; the file input itself takes none), Enter opens the file chooser.
    expect(await page.getByTestId("import-input").getAttribute("tabindex")).toBe("-1");
    const choose = page.locator("[data-testid=dropzone] button", { hasText: "Choose a PDF" });
    await hydrated(choose);
    await choose.focus();
    expect((await focusedTestId(page)).text).toBe("Choose a PDF");
    await page.keyboard.press("Enter");
    await expect.poll(() => choosers.length, { timeout: 15_000 }).toBe(1);
    await choosers[0]!.setFiles(await cvFile());
    await page.getByTestId("cv-list").locator("li").first().waitFor({ timeout: 30_000 });

    for (const title of ["Long one", "Long two"]) {
      await apiFromPage<TaskResponse>(page, SYNC, { method: "POST", body: { type: "noop", title, payload: { durationMs: 120_000 } } });
    }
    await page.getByTestId("open-tasks").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("task-center").waitFor();
    await expect.poll(() => taskItem(page, "running").count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator("[data-testid=active-tasks] > li").count(), { timeout: 20_000 }).toBe(2);

    // Tab to the first Cancel, press Enter: the next task's Cancel gets the focus.
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      const f = await focusedTestId(page);
      if (f.tag === "BUTTON" && f.text === "Cancel") break;
    }
    expect((await focusedTestId(page)).text).toBe("Cancel");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("[data-testid=active-tasks] > li").count(), { timeout: 5000 }).toBe(1);
    await expect.poll(async () => (await focusedTestId(page)).inTaskCenter).toBe(true);
    expect((await focusedTestId(page)).text).toBe("Cancel");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("[data-testid=active-tasks] > li").count(), { timeout: 5000 }).toBe(0);
    await expect.poll(async () => (await focusedTestId(page)).inTaskCenter).toBe(true); // the heading, not <body>

    // Clear finished, confirmed with the keyboard.
    await page.getByTestId("clear-finished").focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByTestId("confirm-clear");
    await dialog.waitFor();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect.poll(() => taskItem(page).count(), { timeout: 5000 }).toBe(0);
    expect((await focusedTestId(page)).inTaskCenter).toBe(true);
  });
});

describe("the task center's views", () => {
  it("filters, searches, shows queue positions, details and exact times, links to the CV, and retries a cancelled task", async () => {
    const page = await newPage();
    await signUp(page, uniqueEmail("views"));
    await page.getByTestId("import-input").setInputFiles(await cvFile());
    await page.getByTestId("cv-list").locator("li").first().waitFor({ timeout: 30_000 });
    const cancelledTask = (await apiFromPage<TaskResponse>(page, SYNC, { method: "POST", body: { type: "noop", title: "To retry", payload: { durationMs: 120_000 } } })).task;
    await apiFromPage(page, `${SYNC}?taskId=${cancelledTask.id}&action=cancel`, { method: "DELETE" });
    await openTasks(page);

    // The finished import links to its CV; its details name the engine and the devices.
    const imported = taskItem(page, "completed").filter({ hasText: "Import adaline.pdf" });
    await imported.waitFor({ timeout: 20_000 });
    const { cvs } = await apiFromPage<CvListResponse>(page, "/api/cvs");
    expect(await imported.getByTestId("task-open-cv").getAttribute("href")).toBe(`/cvs/${cvs[0]!.id}`);
    await imported.locator("summary").click();
    const details = await imported.getByTestId("task-details").innerText();
    expect(details).toMatch(/Submitted.*Started.*Reading the PDF.*Saving.*Completed/s); // each stage, with its time
    expect(details).toMatch(/Engine\s+Offline/);
    expect(details).toMatch(/Created on\s+this device/);
    const when = imported.locator("time.when");
    expect(await when.getAttribute("title")).toMatch(/\d{1,2}:\d{2}:\d{2}/); // the exact time on hover
    await when.focus();
    expect(await imported.locator(".when__exact").isVisible()).toBe(true); // and on focus

    // Search and filters.
    await page.getByTestId("task-search").fill("retry");
    await expect.poll(() => taskItem(page).count()).toBe(1);
    await page.getByTestId("task-search").fill("");
    await page.getByTestId("task-filter-type").selectOption("import-pdf");
    await expect.poll(() => taskItem(page).count()).toBe(1);
    await page.getByTestId("task-filter-type").selectOption("all");
    await page.getByTestId("task-filter-status").selectOption("cancelled");
    await expect.poll(() => taskItem(page).count()).toBe(1);
    await page.getByTestId("task-filter-status").selectOption("all");

    // Retry of a cancelled task: a new task with the same title, the cancelled one stays in the history.
    await taskItem(page, "cancelled").getByRole("button", { name: "Retry: To retry" }).click();
    await expect.poll(() => page.locator("[data-testid=active-tasks] > li", { hasText: "To retry" }).count(), { timeout: 10_000 }).toBe(1);
    expect(await taskItem(page, "cancelled").filter({ hasText: "To retry" }).count()).toBe(1);

    // Queue positions: with the per-user slots full, the later ones wait in submission order.
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await apiFromPage<TaskResponse>(page, SYNC, { method: "POST", body: { type: "noop", title: `Queued ${i}`, payload: { durationMs: 120_000 } } })).task.id);
    await expect.poll(() => page.getByTestId("queue-position").count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const positions = await page.getByTestId("queue-position").allInnerTexts();
    expect(positions[0]).toBe("1st in the queue");
    const order = await page.locator("[data-testid=active-tasks] > li .task__title").allInnerTexts();
    expect(order.filter((t) => t.startsWith("Queued"))).toEqual(["Queued 0", "Queued 1", "Queued 2", "Queued 3"].filter((t) => order.includes(t)));
    await shot(page, "task-center-views");
    await page.getByTestId("cancel-all").click();
    await page.getByTestId("confirm-cancel-all").getByRole("button", { name: /^Cancel \d+ tasks$/ }).click();
    await expect.poll(() => page.locator("[data-testid=active-tasks] > li").count(), { timeout: 10_000 }).toBe(0);
  });

  it("the tab title counts running tasks", async () => {
    const page = await newPage();
    await signUp(page, uniqueEmail("tab"));
    await expect.poll(() => page.title()).toBe("My CVs · CV Tasks");
    const { task } = await apiFromPage<TaskResponse>(page, SYNC, { method: "POST", body: { type: "noop", payload: { durationMs: 120_000 } } });
    await expect.poll(() => page.title(), { timeout: 15_000 }).toBe("(1) My CVs · CV Tasks");
    await apiFromPage(page, `${SYNC}?taskId=${task.id}&action=cancel`, { method: "DELETE" });
    await expect.poll(() => page.title(), { timeout: 15_000 }).toBe("My CVs · CV Tasks");
  });
});

describe("language and addresses", () => {
  it("a French browser gets the sign-in page in French from the first HTML, and a deep link survives signing in", async () => {
    const email = uniqueEmail("fr");
    const setup = await newPage();
    await signUp(setup, email);
    await setup.getByTestId("import-input").setInputFiles(await cvFile());
    await setup.getByTestId("cv-list").locator("li").first().waitFor({ timeout: 30_000 });
    const { cvs } = await apiFromPage<CvListResponse>(setup, "/api/cvs");

    const page = await newPage({ locale: "fr-FR" });
    // The server's HTML itself is French (no English first, then French after the scripts run).
    const html = await (await page.request.get("/sign-in", { headers: { "Accept-Language": "fr-FR,fr;q=0.9" } })).text();
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain("Se connecter");
    expect(html).not.toContain(">Sign in<");

    await page.goto(`/cvs/${cvs[0]!.id}`);
    await page.waitForURL((url) => url.pathname === "/sign-in");
    expect(new URL(page.url()).searchParams.get("next")).toBe(`/cvs/${cvs[0]!.id}`);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Se connecter");
    expect(await page.title()).toBe("Se connecter · CV Tasks");
    await shot(page, "sign-in-fr");
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Mot de passe").fill("wrong password here");
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.locator("#auth-error").waitFor();
    expect(await page.locator("#auth-error").innerText()).toMatch(/e-mail ou le mot de passe est incorrect/);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("auth-error"); // the reason is where focus went
    expect(await page.getByLabel("E-mail").inputValue()).toBe(email); // kept after the failure
    await page.getByLabel("Mot de passe").fill("correct horse battery");
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL((url) => url.pathname === `/cvs/${cvs[0]!.id}`);
    await page.getByTestId("delete-cv").waitFor();
    expect(await page.title()).toMatch(/ · CV Tasks$/);
    expect(await page.title()).not.toBe("CV Tasks");

    // An unknown address: a 404 page in the reader's language.
    const missing = await page.goto("/no-such-page");
    expect(missing?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Page introuvable");
  });
});
