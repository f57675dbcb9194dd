/** The shell on a phone and on a desktop: no sideways scrolling, refusals a person can read, confirmations before clearing. */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import type { CvListResponse } from "@/shared/cv";
import type { TaskResponse, TaskSyncResponse } from "@/shared/tasks";
import { launch, shot, signIn, signUp } from "./browser";
import { apiFromPage, cvFile, openTasks, taskItem, uniqueEmail } from "./helpers";

const baseUrl = inject("baseUrl");
const SYNC = "/api/background-tasks/sync";
let browser: Browser;

/** 120 characters, as a real long title would be: words, then one long unbroken run (a URL-like reference). */
const longTitle = (tag: string) => {
  const words = `${tag} Senior Staff Platform Reliability Engineer, Distributed Payments Infrastructure `;
  return (words + "ref-" + "x".repeat(120)).slice(0, 120);
};

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function at(width: number): Promise<Page> {
  const phone = width < 800;
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width, height: phone ? 800 : 860 }, hasTouch: phone, locale: "en-US" });
  return context.newPage();
}

/** How far the page scrolls sideways (0 when it fits). */
const overflow = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth - document.scrollingElement!.clientWidth);

describe("responsive shell", () => {
  it("no horizontal overflow at 320, 390 and 1366 px with 120-character CV and task titles, task center open and closed", async () => {
    const email = uniqueEmail("shell");
    const setup = await at(1366);
    await signUp(setup, email);
    // Two CVs with 120-character titles (the Base CV select lists them), a running task and a finished one with long titles.
    await setup.getByTestId("import-input").setInputFiles(await cvFile());
    await setup.getByTestId("cv-list").locator("li").first().waitFor({ timeout: 30_000 });
    await setup.getByTestId("import-input").setInputFiles(await cvFile("second.pdf"));
    await expect.poll(() => setup.getByTestId("cv-list").locator("li").count(), { timeout: 30_000 }).toBe(2);
    const { cvs } = await apiFromPage<CvListResponse>(setup, "/api/cvs");
    for (const [i, cv] of cvs.entries()) await apiFromPage(setup, `/api/cvs/${cv.id}`, { method: "PATCH", body: { title: longTitle(`CV${i}`) } });
    const running = await apiFromPage<TaskResponse>(setup, SYNC, { method: "POST", body: { type: "noop", title: longTitle("Running"), payload: { durationMs: 120_000 } } });
    const done = await apiFromPage<TaskResponse>(setup, SYNC, { method: "POST", body: { type: "noop", title: longTitle("Done"), payload: { durationMs: 200, steps: 1 } } });
    await expect
      .poll(async () => (await apiFromPage<TaskSyncResponse>(setup, SYNC)).tasks.find((t) => t.id === done.task.id)?.status, { timeout: 20_000 })
      .toBe("completed");

    for (const width of [320, 390, 1366]) {
      const page = await at(width);
      await signIn(page, email);
      await page.getByTestId("cv-list").locator("li").nth(1).waitFor();
      await page.getByTestId("base-cv").waitFor();
      expect(await page.getByTestId("cv-list").locator("a").first().getAttribute("title")).toMatch(/^CV\d Senior/); // the full title stays available
      expect(await overflow(page), `overflow at ${width} px, task center closed`).toBe(0);
      const select = await page.getByTestId("base-cv").boundingBox();
      expect(select!.x + select!.width).toBeLessThanOrEqual(width);

      await openTasks(page);
      await page.locator(`li[data-task-id="${running.task.id}"]`).waitFor();
      await page.locator(`li[data-task-id="${done.task.id}"]`).waitFor();
      expect(await overflow(page), `overflow at ${width} px, task center open`).toBe(0);
      // Every action of the task center is on screen, and big enough for a finger on a phone.
      const actions = [
        page.locator(`li[data-task-id="${running.task.id}"]`).getByRole("button", { name: /^Cancel/ }),
        page.locator(`li[data-task-id="${done.task.id}"]`).getByRole("button", { name: /^Delete/ }),
        page.getByTestId("clear-finished"),
      ];
      for (const action of actions) {
        const box = (await action.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, `${await action.innerText()} inside ${width} px`).toBeLessThanOrEqual(width);
        if (width < 800) expect(box.height).toBeGreaterThanOrEqual(44);
      }
      expect(await page.locator(`li[data-task-id="${running.task.id}"] .task__title`).getAttribute("title")).toBe(longTitle("Running"));
      if (width < 800) {
        // A full-height sheet on a phone.
        const sheet = (await page.getByTestId("task-center").boundingBox())!;
        expect(sheet.width).toBe(width);
        expect(sheet.height).toBeGreaterThanOrEqual(790);
      }
      if (width === 390) await shot(page, "shell-390-tasks-open");
      await page.getByRole("button", { name: "Close" }).click();
      if (width === 390) await shot(page, "shell-390-home");

      await page.goto(`/cvs/${cvs[0]!.id}`);
      await page.getByTestId("delete-cv").waitFor();
      expect(await overflow(page), `overflow at ${width} px on a CV page`).toBe(0);
      if (width === 320) {
        // French labels are longer ("Se déconnecter", "Tâches"): the header still fits.
        await page.getByLabel("Language").selectOption("fr");
        await page.getByRole("button", { name: "Se déconnecter" }).waitFor();
        await shot(page, "shell-320-cv-fr");
        expect(await overflow(page), "overflow at 320 px in French on a CV page").toBe(0);
        await page.goto("/");
        await page.getByTestId("cv-list").locator("li").nth(1).waitFor();
        expect(await overflow(page), "overflow at 320 px in French").toBe(0);
        await shot(page, "shell-320-home-fr");
        // The account keeps the language for its other devices: back to English for the next widths.
        await page.getByLabel("Langue").selectOption("en");
        await page.getByRole("button", { name: "Sign out" }).waitFor();
      }
      await page.context().close();
    }
    await apiFromPage(setup, `${SYNC}?taskId=${running.task.id}&action=cancel`, { method: "DELETE" });
    await setup.context().close();
  });
});

describe("errors a person can act on", () => {
  it("an upload refused while the task center is closed shows a toast and an inline message, translated from the code", async () => {
    const page = await at(390);
    await signUp(page, uniqueEmail("refused"));
    await page.getByLabel("Language").selectOption("fr");
    await page.getByRole("button", { name: "Se déconnecter" }).waitFor();
    const notes = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cv-e2e-")), "notes.txt");
    fs.writeFileSync(notes, "Just some notes, not a PDF at all.\n");
    expect(await page.getByTestId("task-center").count()).toBe(0);
    await page.getByTestId("import-input").setInputFiles(notes);

    const toast = page.getByTestId("toast").filter({ has: page.getByTestId("toast-reason") });
    await toast.waitFor({ timeout: 10_000 });
    expect(await toast.getAttribute("data-code")).toBe("not_a_pdf");
    expect(await toast.getByTestId("toast-reason").innerText()).toBe("Ce fichier n'est pas un PDF. Exportez votre CV en PDF et envoyez ce fichier.");
    expect(await toast.innerText()).toContain("Non effectué : Import de notes.txt"); // the title too is built in French
    expect(await page.getByTestId("import-error").innerText()).toContain("Ce fichier n'est pas un PDF.");
    expect(await page.getByTestId("task-center").count()).toBe(0); // said without opening the panel
    await shot(page, "shell-390-upload-refused-fr");

    // An empty file: another code, another message, in English once the language is switched back.
    await page.getByLabel("Langue").selectOption("en");
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    const empty = path.join(path.dirname(notes), "empty.pdf");
    fs.writeFileSync(empty, "");
    await page.getByTestId("import-input").setInputFiles(empty);
    await expect.poll(() => page.getByTestId("import-error").innerText(), { timeout: 10_000 }).toContain("The file is empty.");
    await page.context().close();
  });
});

describe("a refused generation keeps what was pasted", () => {
  it("over the active-task cap: a toast and an inline message say why, and the pasted offer is still there", async () => {
    const page = await at(1366);
    await signUp(page, uniqueEmail("cap"));
    await page.getByTestId("import-input").setInputFiles(await cvFile());
    await page.getByTestId("cv-list").locator("li").first().waitFor({ timeout: 30_000 });
    // Fill the account's 20 active slots (the default TASK_ACTIVE_LIMIT).
    const waits: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await apiFromPage<TaskResponse>(page, SYNC, { method: "POST", body: { type: "noop", title: `Wait ${i}`, payload: { durationMs: 120_000 } } });
      waits.push(res.task.id);
    }
    const offer = "Backend engineer for a payments platform: TypeScript, PostgreSQL, queues, on-call, observability and a calm team.";
    await page.getByTestId("offer-text-0").fill(offer);
    await page.getByTestId("generate-submit").click();

    const toast = page.getByTestId("toast").filter({ has: page.getByTestId("toast-reason") });
    await toast.waitFor({ timeout: 10_000 });
    expect(await toast.getAttribute("data-code")).toBe("too_many_active_tasks");
    expect(await toast.getByTestId("toast-reason").innerText()).toMatch(/as many tasks queued or running as allowed/);
    expect(await page.getByTestId("generate-error").innerText()).toMatch(/Wait for some to finish or cancel them/);
    expect(await page.getByTestId("offer-text-0").inputValue()).toBe(offer); // not cleared: the user can try again
    await shot(page, "shell-generate-refused");
    for (const id of waits) await apiFromPage(page, `${SYNC}?taskId=${id}&action=cancel`, { method: "DELETE" });
    await page.context().close();
  });
});

describe("confirm before clearing", () => {
  it('"Clear finished" asks first, with the count and every device; cancelling deletes nothing, confirming clears', async () => {
    const page = await at(1366);
    await signUp(page, uniqueEmail("confirm"));
    const ids: string[] = [];
    for (const title of ["First wait", "Second wait"]) {
      const { task } = await apiFromPage<TaskResponse>(page, SYNC, { method: "POST", body: { type: "noop", title, payload: { durationMs: 100, steps: 1 } } });
      ids.push(task.id);
    }
    await openTasks(page);
    await expect.poll(() => taskItem(page, "completed").count(), { timeout: 20_000 }).toBe(2);

    await page.getByTestId("clear-finished").click();
    const dialog = page.getByRole("dialog", { name: "Clear finished tasks?" });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/2 finished tasks.*every device/s);
    expect(await page.evaluate(() => document.activeElement?.closest("dialog") !== null)).toBe(true); // focus moved into it
    await shot(page, "shell-confirm-clear");
    await dialog.getByRole("button", { name: "Keep them" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("clear-finished"); // focus returned
    // Nothing was deleted: the server still has both.
    const after = await apiFromPage<TaskSyncResponse>(page, SYNC);
    expect(after.tasks.filter((t) => ids.includes(t.id)).length).toBe(2);
    expect(await taskItem(page, "completed").count()).toBe(2);

    // Escape cancels too, and leaves the task center open.
    await page.getByTestId("clear-finished").click();
    await dialog.waitFor();
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await page.getByTestId("task-center").isVisible()).toBe(true);
    expect((await apiFromPage<TaskSyncResponse>(page, SYNC)).tasks.filter((t) => ids.includes(t.id)).length).toBe(2);

    await page.getByTestId("clear-finished").click();
    await dialog.getByRole("button", { name: "Clear 2 tasks" }).click();
    await expect.poll(() => taskItem(page).count(), { timeout: 5000 }).toBe(0);
    await expect.poll(async () => (await apiFromPage<TaskSyncResponse>(page, SYNC)).tasks.filter((t) => ids.includes(t.id)).length).toBe(0);
    await page.context().close();
  });
});

describe("confirm before deleting a CV", () => {
  it('"Delete this CV" names the CV and every device; keeping it deletes nothing and gives focus back', async () => {
    const page = await at(390);
    await signUp(page, uniqueEmail("delete-cv"));
    await page.getByTestId("import-input").setInputFiles(await cvFile());
    await page.getByTestId("cv-list").locator("li a").first().click();
    await page.getByTestId("delete-cv").click();
    const dialog = page.getByRole("dialog", { name: "Delete this CV?" });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/every device/);
    await dialog.getByRole("button", { name: "Keep it" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("delete-cv");
    expect((await apiFromPage<CvListResponse>(page, "/api/cvs")).cvs.length).toBe(1);

    await page.getByTestId("delete-cv").click();
    await dialog.getByRole("button", { name: "Delete 1 CV" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    expect((await apiFromPage<CvListResponse>(page, "/api/cvs")).cvs.length).toBe(0);
    await page.context().close();
  });
});
