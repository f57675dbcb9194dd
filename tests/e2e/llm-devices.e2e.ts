/**
 * Multi-device scenarios with the LLM mode on, against a slow fake OpenAI-compatible server, so that a
 * task can be watched while it runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CvListResponse } from "@/shared/cv";
import { startAppServer, type AppServer } from "../../scripts/lib/app-server";
import { schemaOf, startFakeLlm, type FakeLlm } from "../helpers/fake-llm";
import { device, launch, shot, signIn, signUp } from "./browser";
import { apiFromPage, cvFile, openTasks, taskItem, timeUntil, uniqueEmail } from "./helpers";
import type { Browser } from "playwright-core";

let fake: FakeLlm;
let server: AppServer;
let browser: Browser;
/** Imports wait this long on the model unless a test says otherwise. */
let importDelay = 30_000;

beforeAll(async () => {
  fake = await startFakeLlm({
    delayFor: (req) => (schemaOf(req) === "json_resume" ? importDelay : 3000),
    reply: (req) =>
      schemaOf(req) === "json_resume"
        ? JSON.stringify({ basics: { name: "Adaline Verhoeven", label: "Senior Backend Engineer" }, work: [{ name: "Tulip Freight Systems", position: "Senior Backend Engineer", startDate: "2020-03", highlights: ["Designed an event-sourced shipment tracker in Go"] }], skills: [{ name: "Go" }, { name: "Kubernetes" }] })
        : JSON.stringify({ label: "Senior Backend Engineer · Go, Kubernetes", summary: "Backend engineer who runs Go services on Kubernetes.", work: [{ index: 0, highlights: ["Designed an event-sourced shipment tracker in Go"] }] }),
  });
  // The global setup has built the app.
  server = await startAppServer({ LLM_BASE_URL: fake.url, LLM_API_KEY: "e2e", LLM_MODEL: "fake-model" });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.close();
});

describe("multi-device, with the LLM", () => {
  it("1. device B cancels device A's running import: A shows it cancelled within 1 s, the model's socket closes, no CV", async () => {
    importDelay = 30_000;
    const email = uniqueEmail("cancel");
    const a = await (await device(browser, server.url)).newPage();
    await signUp(a, email);
    const b = await (await device(browser, server.url)).newPage();
    await signIn(b, email);
    await openTasks(a);
    await openTasks(b);

    const before = fake.requests.length;
    await a.getByTestId("import-input").setInputFiles(await cvFile());
    // B sees it running, live, with its stage and progress.
    const running = taskItem(b, "running");
    await running.waitFor({ timeout: 15_000 });
    await expect.poll(() => running.getByTestId("task-stage").innerText(), { timeout: 10_000 }).toBe("Understanding the CV");
    expect(Number(await running.getByRole("progressbar").getAttribute("aria-valuenow"))).toBeGreaterThanOrEqual(60);
    await expect.poll(() => fake.requests.length, { timeout: 10_000 }).toBeGreaterThan(before);
    const request = fake.requests.at(-1)!;
    await shot(b, "1-device-b-sees-running-import");

    await running.getByRole("button", { name: /^Cancel/ }).click();
    const onA = await timeUntil(() => taskItem(a, "cancelled").isVisible(), 1000, "A shows the task cancelled");
    expect(onA).toBeLessThan(1000);
    await shot(a, "1-device-a-sees-cancelled");
    await expect.poll(() => request.closedAt, { timeout: 2000 }).not.toBeNull();

    // The work stopped: the model never answered, and no CV appears.
    await a.waitForTimeout(1500);
    expect(request.answeredAt).toBeNull();
    const { cvs } = await apiFromPage<CvListResponse>(a, "/api/cvs");
    expect(cvs).toEqual([]);
    await expect.poll(() => a.getByTestId("cv-list").count()).toBe(0);
    await a.context().close();
    await b.context().close();
  });

  it("2. device A starts a generation and closes at once: a new device watches it complete, and the CV is listed", async () => {
    importDelay = 0;
    const email = uniqueEmail("closed");
    const a = await (await device(browser, server.url)).newPage();
    await signUp(a, email);
    await a.getByTestId("import-input").setInputFiles(await cvFile());
    await a.getByTestId("cv-list").locator("li").first().waitFor({ timeout: 20_000 });

    await a.getByTestId("offer-text-0").fill("Senior Backend Engineer at a logistics company: Go services on Kubernetes, Terraform, PostgreSQL and Kafka. English.");
    const accepted = a.waitForResponse((res) => res.url().endsWith("/api/background-tasks/generate-cv") && res.status() === 202);
    await a.getByTestId("generate-submit").click();
    await accepted;
    await a.close(); // the tab that started it is gone

    const c = await (await device(browser, server.url)).newPage();
    await signIn(c, email);
    await openTasks(c);
    const active = c.locator("[data-testid=active-tasks] li[data-task-id]");
    await active.first().waitFor({ timeout: 5000 });
    expect(await active.first().innerText()).toMatch(/Tailor CV for/);
    await shot(c, "2-new-device-watches-generation");
    await taskItem(c, "completed").filter({ hasText: "Tailor CV for" }).waitFor({ timeout: 20_000 });
    const generated = c.getByTestId("cv-list").locator("li", { hasText: "Generated" });
    await generated.first().waitFor({ timeout: 5000 });
    expect(await generated.first().innerText()).toMatch(/Match \d+%/);
    await shot(c, "2-generated-cv-listed");
    await c.context().close();
  });
});
