import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { cvPdf } from "../helpers/pdfs";
import { ada } from "../fixtures/people";

export const uniqueEmail = (tag: string) => `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.test`;

/** A fictional CV, as a PDF file on disk for a file input. */
export async function cvFile(name = "adaline.pdf"): Promise<string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cv-e2e-")), name);
  fs.writeFileSync(file, await cvPdf(ada, "two-column"));
  return file;
}

export async function openTasks(page: Page) {
  if (!(await page.getByTestId("task-center").isVisible())) await page.getByTestId("open-tasks").click();
  await page.getByTestId("task-center").waitFor();
}

export const taskItem = (page: Page, status?: string): Locator =>
  page.locator(`[data-testid=task-center] li[data-task-id]${status ? `[data-status=${status}]` : ""}`);

/** Calls the API from inside the page, with its session and device id. */
export function apiFromPage<T>(page: Page, url: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  return page.evaluate(
    async ({ url, init }) => {
      const res = await fetch(url, {
        method: init.method ?? "GET",
        headers: { "Content-Type": "application/json", "X-Device-Id": localStorage.getItem("cv-tasks.device-id") ?? "e2e" },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      return res.json();
    },
    { url, init },
  ) as Promise<T>;
}

/** Resolves with how long `check` took to become true, or throws after `timeoutMs`. */
export async function timeUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`Not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - t0;
}
