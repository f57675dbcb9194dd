/**
 * The CV editor in Chromium: every section edited and reordered with the keyboard, the live preview in each
 * template, the unsaved-changes guard, a validation message next to its field in French, the main CV as the
 * default base, and the match report (evidence inline, hidden entries restored).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { CvContent, CvListResponse, CvResponse } from "@/shared/cv";
import type { TaskSyncResponse } from "@/shared/tasks";
import { device, launch, shot, signUp } from "./browser";
import { apiFromPage, cvFile, uniqueEmail } from "./helpers";

const baseUrl = inject("baseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** A signed-up user with one imported CV, on that CV's page. */
async function onImportedCv(tag: string): Promise<{ page: Page; cvId: string }> {
  const page = await (await device(browser, baseUrl)).newPage();
  await signUp(page, uniqueEmail(tag));
  await page.getByTestId("import-input").setInputFiles(await cvFile());
  const link = page.getByTestId("cv-list").locator("li a").first();
  await link.waitFor({ timeout: 30_000 });
  await link.click();
  await page.getByTestId("cv-view").waitFor();
  const cvId = page.url().split("/cvs/")[1]!;
  return { page, cvId };
}

/** Waits for a value on a loaded machine (pages can take seconds under CI load). */
const poll = <T,>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000 });

const cvOf = async (page: Page, id: string) => (await apiFromPage<CvResponse>(page, `/api/cvs/${id}`)).cv;

/** Each list section and the field that names its entries. */
const SECTIONS: [key: string, first: string][] = [
  ["profiles", "network"],
  ["work", "position"],
  ["education", "institution"],
  ["skills", "name"],
  ["projects", "name"],
  ["languages", "language"],
  ["certificates", "name"],
  ["publications", "name"],
  ["awards", "title"],
  ["volunteer", "position"],
];
const fieldName = (section: string, index: number, key: string) => (section === "profiles" ? `basics.profiles.${index}.${key}` : `${section}.${index}.${key}`);
const listIn = (c: CvContent, section: string) => ((section === "profiles" ? c.basics.profiles : (c as Record<string, unknown>)[section]) ?? []) as Record<string, unknown>[];

describe("the CV editor", () => {
  it("adds, reorders (keyboard) and removes entries in every section, with the live preview in each template", async () => {
    const { page, cvId } = await onImportedCv("editor");
    const before = (await cvOf(page, cvId)).content;
    await page.getByTestId("edit-cv").click();
    const editor = page.getByTestId("cv-editor");
    const preview = page.getByTestId("preview");

    for (const [section, first] of SECTIONS) {
      const n = listIn(before, section).length;
      await page.getByTestId(`add-${section}`).click();
      // Focus goes to the new entry's first field.
      await poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe(fieldName(section, n, first));
      await page.keyboard.type(`First ${section}`);
      await page.getByTestId(`add-${section}`).click();
      await editor.locator(`[name="${fieldName(section, n + 1, first)}"]`).fill(`Second ${section}`);
      // Move "Second" above "First" with the keyboard: focus its ↑ button and press Enter.
      const up = page.getByRole("button", { name: new RegExp(`^(Move )?Second ${section}.* up$`) });
      await up.focus();
      await page.keyboard.press("Enter");
      await poll(() => editor.locator(`[name="${fieldName(section, n, first)}"]`).inputValue()).toBe(`Second ${section}`);
      // The moved entry's button keeps the focus, so several moves are several presses.
      expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toMatch(new RegExp(`Second ${section}`));
      // Remove "First".
      await page.getByRole("button", { name: new RegExp(`^Remove First ${section}`) }).click();
      await poll(() => editor.locator(`[data-section="${section}"] .editor__entry`).count()).toBe(n + 1);
    }
    // An imported date (printed "Mar 2020") retyped as a person reads it.
    await editor.locator(`[name="work.0.startDate"]`).fill("June 2023");
    await editor.locator(`[name="basics.location.city"]`).fill("Lyon");
    // The preview follows the form before anything is saved, in the template chosen.
    await poll(() => preview.innerText()).toContain("Second work");
    expect(await preview.innerText()).toContain("Jun 2023");
    for (const template of ["modern", "compact", "classic"] as const) {
      await preview.getByTestId("template").selectOption(template);
      await preview.locator(`[data-testid=cv-document][data-template=${template}]`).waitFor();
      if (template === "modern") expect(await preview.locator(".cvdoc-columns .cvdoc-side").innerText()).toMatch(/Second skills/);
      await shot(page, `editor-preview-${template}`);
    }
    await page.getByTestId("save-cv").click();
    await page.getByTestId("edit-cv").waitFor();

    const after = (await cvOf(page, cvId)).content;
    for (const [section, first] of SECTIONS) {
      const list = listIn(after, section);
      expect(list.map((e) => e[first]), section).toEqual([...listIn(before, section).map((e) => e[first]), `Second ${section}`]);
    }
    expect(before.work[0]!.startDateText).toBeTruthy();
    expect(after.work[0]).toMatchObject({ startDate: "2023-06" });
    expect(after.work[0]).not.toHaveProperty("startDateText"); // the old printed date would have overridden the new one
    expect(after.basics.location?.city).toBe("Lyon");
    expect(await page.getByTestId("cv-view").innerText()).toContain("Jun 2023");
    // Edited again, the date reads as typed, not "2023-06".
    await page.getByTestId("edit-cv").click();
    expect(await editor.locator(`[name="work.0.startDate"]`).inputValue()).toBe("June 2023");
  });

  it("asks before leaving with unsaved changes: a link in the app, the Back button, and closing the tab", async () => {
    const { page } = await onImportedCv("guard");
    await page.getByTestId("edit-cv").click();
    await page.locator('[name="basics.name"]').fill("Someone Else");
    await page.getByRole("link", { name: /Back to my CVs/ }).click();
    const dialog = page.getByTestId("confirm-leave");
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Stay and keep editing" }).click();
    expect(page.url()).toContain("/cvs/");
    expect(await page.locator('[name="basics.name"]').inputValue()).toBe("Someone Else");
    // The browser's Back button: asked too, and again at the next Back after staying.
    for (let i = 0; i < 2; i++) {
      await page.evaluate(() => history.back());
      await dialog.waitFor();
      await dialog.getByRole("button", { name: "Stay and keep editing" }).click();
      await dialog.waitFor({ state: "hidden" });
      expect(new URL(page.url()).pathname).toMatch(/^\/cvs\//);
      expect(await page.locator('[name="basics.name"]').inputValue()).toBe("Someone Else");
    }
    // The header's link too (any link of the app).
    await page.getByRole("link", { name: "My CVs", exact: true }).first().click();
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Leave and lose them" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    // Back returns to the CV at the first press, and from there to where the person came from.
    await page.evaluate(() => history.back());
    await page.waitForURL((url) => url.pathname.startsWith("/cvs/"));
    await page.getByTestId("cv-view").waitFor();
    await page.evaluate(() => history.back());
    await page.waitForURL((url) => url.pathname === "/");

    // Closing the tab with unsaved changes: the browser's own prompt.
    const { page: other } = await onImportedCv("guard-unload");
    await other.getByTestId("edit-cv").click();
    // Typed for real (the browser asks only on a page the person has interacted with).
    await other.locator('[name="basics.label"]').click();
    await other.keyboard.type(" changed");
    const prompt = new Promise<string>((resolve) => other.once("dialog", (d) => (resolve(d.type()), void d.dismiss())));
    await other.close({ runBeforeUnload: true });
    expect(await Promise.race([prompt, new Promise((r) => setTimeout(() => r("no prompt within 10 s"), 10_000))])).toBe("beforeunload");
    expect(other.isClosed()).toBe(false); // dismissed: the page and its edits stay
  });

  it("shows a validation message in French next to its field, and focuses it on save", async () => {
    const { page } = await onImportedCv("french");
    await page.getByLabel("Language").selectOption("fr");
    await page.getByRole("button", { name: "Modifier", exact: true }).click();
    const date = page.locator('[name="work.0.startDate"]');
    await date.fill("13/2023");
    await date.blur();
    const field = page.locator('[data-field="work.0.startDate"]');
    const error = field.locator(".field-error");
    await poll(() => error.innerText()).toMatch(/^Date non reconnue/);
    expect(await date.getAttribute("aria-invalid")).toBe("true");
    expect((await date.getAttribute("aria-describedby"))!.split(" ")).toContain(await error.getAttribute("id"));
    const [inputBox, errorBox] = [(await date.boundingBox())!, (await error.boundingBox())!];
    expect(errorBox.y - (inputBox.y + inputBox.height)).toBeLessThan(60); // right under the field, not a page away
    await page.locator('[name="work.0.position"]').focus();
    await page.getByTestId("save-cv").click();
    await poll(() => page.getByTestId("editor-problem").innerText()).toMatch(/Un champ est à corriger/);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe("work.0.startDate");
    await shot(page, "editor-french-date-error");
    // A French date reads.
    await date.fill("juin 2023");
    await poll(() => error.count()).toBe(0);
  });

  it("renames, duplicates and marks a main CV; the generate form starts from it; a tailored CV links its base and shows its report", async () => {
    const { page, cvId } = await onImportedCv("main");
    // Two old, unrelated jobs, so the tailoring hides one.
    const cv = await cvOf(page, cvId);
    const old = (name: string, start: string, end: string) => ({ name, position: "Shop assistant", startDate: start, endDate: end, highlights: ["Served customers at the till"] });
    await apiFromPage(page, `/api/cvs/${cvId}`, { method: "PATCH", body: { content: { ...cv.content, work: [...cv.content.work, old("Corner Shop", "2006-01", "2008-06"), old("Market Stall", "2004-01", "2005-12")] } } });
    await page.reload();
    await page.getByTestId("rename-cv").click();
    await page.getByLabel("Title of this CV").fill("Adaline – main");
    await page.getByTestId("rename-save").click();
    await poll(() => page.getByTestId("cv-title").innerText()).toBe("Adaline – main");
    await page.getByTestId("duplicate-cv").click();
    await page.waitForURL((url) => url.pathname.startsWith("/cvs/") && !url.pathname.endsWith(cvId));
    await poll(() => page.getByTestId("cv-title").innerText()).toBe("Adaline – main (copy)");
    // The copy is the newest imported CV, so the default base; the user makes the original the main one.
    await page.goto(`/cvs/${cvId}`);
    await page.getByTestId("set-main").click();
    await page.getByTestId("is-main").waitFor();
    await page.goto("/");
    await poll(() => page.getByTestId("base-cv").inputValue()).toBe(cvId);
    expect(await page.getByTestId("base-cv").locator("option:checked").innerText()).toMatch(/main CV/);
    await page.getByTestId("offer-text-0").fill("Platform Engineer at Dykstra in Rotterdam: Go services on Kubernetes, Terraform, PostgreSQL. 5+ years. English.");
    await page.getByTestId("generate-submit").click();
    await expect
      .poll(async () => (await apiFromPage<TaskSyncResponse>(page, "/api/background-tasks/sync")).tasks.find((t) => t.type === "generate-cv")?.status, { timeout: 30_000 })
      .toBe("completed");
    const { cvs } = await apiFromPage<CvListResponse>(page, "/api/cvs");
    const made = cvs.find((c) => c.source === "generated")!;
    await page.goto(`/cvs/${made.id}`);
    const report = page.getByTestId("match-report");
    await report.waitFor();
    // The base is named and linked; the engine is said; evidence is on the page, not in a tooltip.
    expect(await report.getByTestId("base-link").innerText()).toBe("Adaline – main");
    expect(await report.getByTestId("engine").innerText()).toMatch(/offline engine/);
    const kubernetes = report.getByTestId("matched").locator("li").filter({ has: page.locator(".requirement__name", { hasText: /^Kubernetes$/ }) });
    expect(await kubernetes.locator(".requirement__evidence").innerText()).toMatch(/Kubernetes/);
    const missing = report.getByTestId("missing").locator("li").first();
    if (await missing.count()) expect(await missing.innerText()).toMatch(/Add this if it is true/);
    // Hidden entries are listed and come back.
    const hidden = report.getByTestId("hidden-entries");
    await hidden.waitFor();
    expect(await hidden.innerText()).toMatch(/Market Stall/);
    const restore = hidden.locator("button").first();
    await restore.click();
    await poll(() => page.getByTestId("cv-view").innerText()).toMatch(/Market Stall|Corner Shop/);
    await shot(page, "match-report");
  });
});
