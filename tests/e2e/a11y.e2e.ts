/** axe on every page and the states a user reaches, in English and in French: no serious or critical violation. */
import AxeBuilder from "@axe-core/playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { CvListResponse } from "@/shared/cv";
import type { TaskResponse } from "@/shared/tasks";
import { launch, signUp } from "./browser";
import { apiFromPage, cvFile, openTasks, uniqueEmail } from "./helpers";

const baseUrl = inject("baseUrl");
const SYNC = "/api/background-tasks/sync";
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** The serious and critical violations on the page as it is now, one line each (rule, then where). */
async function violations(page: Page, state: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${state}: ${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}

for (const locale of ["en", "fr"] as const) {
  describe(`axe, ${locale}`, () => {
    it("every page and state: sign-in, sign-up, 404, home empty and full, task center, confirmations, CV page, editor, tailored CV", async () => {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1366, height: 860 }, locale: locale === "fr" ? "fr-FR" : "en-US" });
      const page = await context.newPage();
      const found: string[] = [];
      for (const path of ["/sign-in", "/sign-up", "/no-such-page"]) {
        await page.goto(path);
        expect(await page.getAttribute("html", "lang")).toBe(locale);
        found.push(...(await violations(page, path)));
      }
      // The account (made through the English form) reads the pages in this test's language.
      await context.clearCookies();
      const en = await browser.newContext({ baseURL: baseUrl, locale: "en-US" });
      const email = uniqueEmail(`axe-${locale}`);
      await signUp(await en.newPage(), email);
      await en.close();
      await page.goto("/sign-in");
      await page.locator("input[name=email]").fill(email);
      await page.locator("input[name=password]").fill("correct horse battery");
      await page.locator("button[type=submit]").click();
      await page.waitForURL((url) => url.pathname === "/");
      await page.getByTestId("import-input").waitFor();
      found.push(...(await violations(page, "home, empty")));

      await page.getByTestId("import-input").setInputFiles(await cvFile());
      await page.getByTestId("cv-list").locator("li").first().waitFor({ timeout: 30_000 });
      await apiFromPage<TaskResponse>(page, SYNC, { method: "POST", body: { type: "noop", title: "Running", payload: { durationMs: 120_000 } } });
      await apiFromPage<TaskResponse>(page, SYNC, { method: "POST", body: { type: "noop", title: "Done", payload: { durationMs: 50, steps: 1 } } });
      await openTasks(page);
      await page.locator("[data-testid=history-tasks] li").nth(1).waitFor({ timeout: 20_000 });
      await page.locator("[data-testid=history-tasks] li summary").first().click();
      found.push(...(await violations(page, "home, task center open with details")));

      await page.getByTestId("clear-finished").click();
      await page.getByTestId("confirm-clear").waitFor();
      found.push(...(await violations(page, "confirm clear")));
      await page.keyboard.press("Escape");

      const { cvs } = await apiFromPage<CvListResponse>(page, "/api/cvs");
      await page.goto(`/cvs/${cvs[0]!.id}`);
      await page.getByTestId("delete-cv").waitFor();
      found.push(...(await violations(page, "CV page")));
      await page.getByTestId("delete-cv").click();
      found.push(...(await violations(page, "confirm delete CV")));
      await page.keyboard.press("Escape");

      // Edit mode, with its live preview, and a field refused next to it.
      await page.getByTestId("edit-cv").click();
      await page.getByTestId("cv-editor").waitFor();
      found.push(...(await violations(page, "CV editor")));
      const date = page.locator('[name="work.0.startDate"]');
      await date.fill("13/2023");
      await date.blur();
      await page.locator('[data-field="work.0.startDate"] .field-error').waitFor();
      found.push(...(await violations(page, "CV editor, a field refused")));

      // A tailored CV, with its match report.
      await page.goto("/");
      await page.getByTestId("offer-text-0").fill("Platform Engineer at Dykstra in Rotterdam: Go services on Kubernetes, Terraform, PostgreSQL. 5+ years. English.");
      await page.getByTestId("generate-submit").click();
      await expect
        .poll(async () => (await apiFromPage<CvListResponse>(page, "/api/cvs")).cvs.find((c) => c.source === "generated")?.id, { timeout: 30_000 })
        .toBeTruthy();
      const made = (await apiFromPage<CvListResponse>(page, "/api/cvs")).cvs.find((c) => c.source === "generated")!;
      await page.goto(`/cvs/${made.id}`);
      await page.getByTestId("match-report").waitFor();
      found.push(...(await violations(page, "tailored CV with its report")));
      expect(found).toEqual([]);
      await context.close();
    });
  });
}
