/** Multi-device and multi-tab scenarios on the offline app (started by the global setup). */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import type { CvListResponse } from "@/shared/cv";
import type { TaskResponse } from "@/shared/tasks";
import { device, launch, shot, signIn, signUp } from "./browser";
import { apiFromPage, cvFile, openTasks, taskItem, timeUntil, uniqueEmail } from "./helpers";

const baseUrl = inject("baseUrl");
const SYNC = "/api/background-tasks/sync";
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe("multi-device", () => {
  it("3. a phone clears the finished tasks: the desktop's history empties within 1 s, running tasks stay", async () => {
    const email = uniqueEmail("purge");
    const desktop = await (await device(browser, baseUrl)).newPage();
    await signUp(desktop, email);
    // One of each: completed (an import), failed (a corrupt PDF), cancelled, and one still running.
    await desktop.getByTestId("import-input").setInputFiles(await cvFile());
    await desktop.evaluate(async () => {
      const form = new FormData();
      form.set("file", new Blob(["%PDF-1.7\nnot really a pdf\n%%EOF"], { type: "application/pdf" }), "broken.pdf");
      await fetch("/api/background-tasks/import-pdf", { method: "POST", body: form });
    });
    const toCancel = await apiFromPage<TaskResponse>(desktop, SYNC, { method: "POST", body: { type: "noop", title: "Cancelled wait", payload: { durationMs: 60_000 } } });
    await apiFromPage(desktop, `${SYNC}?taskId=${toCancel.task.id}&action=cancel`, { method: "DELETE" });
    const running = await apiFromPage<TaskResponse>(desktop, SYNC, { method: "POST", body: { type: "noop", title: "Long wait", payload: { durationMs: 60_000 } } });

    await openTasks(desktop);
    await expect.poll(() => desktop.locator("[data-testid=history-tasks] li").count(), { timeout: 20_000 }).toBe(3);
    expect(await taskItem(desktop, "completed").count()).toBe(1);
    expect(await taskItem(desktop, "failed").count()).toBe(1);
    expect(await taskItem(desktop, "cancelled").count()).toBe(1);
    await shot(desktop, "3-desktop-before-purge");

    const phone = await (await device(browser, baseUrl, "phone")).newPage();
    await signIn(phone, email);
    await openTasks(phone);
    await phone.locator("[data-testid=history-tasks] li").nth(2).waitFor();
    await shot(phone, "3-phone-before-clear");
    await phone.getByTestId("clear-finished").click();
    await phone.getByTestId("confirm-ok").click(); // "Clear finished" asks first (every device is affected)
    const elapsed = await timeUntil(async () => (await desktop.locator("[data-testid=history-tasks] li").count()) === 0, 1000, "the desktop history empties");
    expect(elapsed).toBeLessThan(1000);
    expect(await desktop.locator(`[data-testid=active-tasks] li[data-task-id="${running.task.id}"]`).count()).toBe(1);
    await shot(desktop, "3-desktop-after-phone-cleared");
    await apiFromPage(desktop, `${SYNC}?taskId=${running.task.id}&action=cancel`, { method: "DELETE" });
    await desktop.context().close();
    await phone.context().close();
  });

  it("4. two tabs of one browser: a completed task shows exactly one toast; nothing for what finished before load", async () => {
    const context = await device(browser, baseUrl);
    const first = await context.newPage();
    await signUp(first, uniqueEmail("toast"));
    const second = await context.newPage();
    await second.goto("/");
    await second.getByTestId("open-tasks").waitFor();
    await first.waitForTimeout(500); // both tabs have loaded their lists

    await apiFromPage(first, SYNC, { method: "POST", body: { type: "noop", title: "Quick wait", payload: { durationMs: 1200, steps: 4 } } });
    const toasts = () => Promise.all([first, second].map((p) => p.getByTestId("toast").count())).then(([a, b]) => a! + b!);
    await expect.poll(toasts, { timeout: 10_000 }).toBe(1);
    await first.waitForTimeout(1500);
    expect(await toasts()).toBe(1);
    const shown = (await first.getByTestId("toast").count()) ? first : second;
    expect(await shown.getByTestId("toast").innerText()).toMatch(/Done: Quick wait/);
    await shot(shown, "4-one-toast-for-two-tabs");

    await first.reload();
    await second.reload();
    await first.waitForTimeout(1500);
    expect(await toasts()).toBe(0);
    await context.close();
  });

  it("4b. one push connection per browser: when the leader tab closes, another takes over within a second", async () => {
    const context = await device(browser, baseUrl);
    const events: { page: string; at: number }[] = [];
    const watch = (name: string) => (req: { url(): string }) => req.url().includes("/api/background-tasks/events") && events.push({ page: name, at: Date.now() });
    const leader = await context.newPage();
    leader.on("request", watch("leader"));
    await signUp(leader, uniqueEmail("leader"));
    const pages = [leader];
    for (const name of ["tab2", "tab3"]) {
      const p = await context.newPage();
      p.on("request", watch(name));
      await p.goto("/");
      pages.push(p);
    }
    await leader.waitForTimeout(1000);
    expect(events.filter((e) => e.page !== "leader")).toEqual([]); // the other tabs share the leader's
    const closedAt = Date.now();
    await leader.close();
    await expect.poll(() => events.filter((e) => e.page !== "leader").length, { timeout: 1000 }).toBe(1);
    expect(events.find((e) => e.page !== "leader")!.at - closedAt).toBeLessThan(1000);

    // The remaining tabs still get changes pushed at once (well before the 3 s poll).
    const other = await (await device(browser, baseUrl)).newPage();
    await other.context().addCookies(await context.cookies());
    await other.goto("/");
    const created = await apiFromPage<TaskResponse>(other, SYNC, { method: "POST", body: { type: "noop", title: "Pushed", payload: { durationMs: 30_000 } } });
    await openTasks(pages[2]!);
    const seen = await timeUntil(() => pages[2]!.locator(`li[data-task-id="${created.task.id}"]`).isVisible(), 1000, "the pushed task shows");
    expect(seen).toBeLessThan(1000);
    await apiFromPage(other, `${SYNC}?taskId=${created.task.id}&action=cancel`, { method: "DELETE" });
    await context.close();
    await other.context().close();
  });

  it("4c. every tab knows the push connection state: a follower tab shows Live while the leader is connected", async () => {
    const context = await device(browser, baseUrl);
    const pill = (p: Page) => p.getByTestId("task-center").locator(".pill");
    const leader = await context.newPage();
    await signUp(leader, uniqueEmail("follower"));
    await openTasks(leader);
    await expect.poll(() => pill(leader).innerText(), { timeout: 10_000 }).toBe("Live");

    // A tab opened after the leader connected never sees the connection open: it must ask.
    const follower = await context.newPage();
    await follower.goto("/");
    await openTasks(follower);
    await expect.poll(() => pill(follower).innerText(), { timeout: 5000 }).toBe("Live");
    await shot(follower, "4c-follower-live");

    // The leader goes: the follower takes over the stream and is still Live.
    await leader.close();
    await expect.poll(() => pill(follower).innerText(), { timeout: 10_000 }).toBe("Live");
    await context.close();
  });

  it("4d. a failed import can be retried from any device: the uploader's page sends its file again, another device uses the server's copy", async () => {
    const email = uniqueEmail("retry");
    const desktop = await (await device(browser, baseUrl)).newPage();
    await signUp(desktop, email);
    const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cv-e2e-")), "broken.pdf");
    fs.writeFileSync(broken, "%PDF-1.7\nnot really a pdf\n%%EOF\n");
    await desktop.getByTestId("import-input").setInputFiles(broken);
    await openTasks(desktop);
    const failed = taskItem(desktop, "failed");
    await failed.first().waitFor({ timeout: 30_000 });
    const failedId = await failed.first().getAttribute("data-task-id");

    // The phone never had the file: its Retry starts a new import from the copy the server kept.
    const phone = await (await device(browser, baseUrl, "phone")).newPage();
    await signIn(phone, email);
    await openTasks(phone);
    await phone.locator(`li[data-task-id="${failedId}"]`).getByRole("button", { name: "Retry" }).click();
    await expect.poll(() => taskItem(phone, "failed").count(), { timeout: 30_000 }).toBe(2); // it fails again: the file is broken
    await expect.poll(() => taskItem(desktop, "failed").count(), { timeout: 30_000 }).toBe(2);

    // The desktop uploads the same file again from its page.
    await desktop.locator(`li[data-task-id="${failedId}"]`).getByRole("button", { name: "Retry" }).click();
    await expect.poll(() => taskItem(desktop, "failed").count(), { timeout: 30_000 }).toBe(3);
    const ids = await taskItem(desktop, "failed").evaluateAll((items) => items.map((i) => i.getAttribute("data-task-id")));
    expect(new Set(ids).size).toBe(3);
    expect(await desktop.locator("[data-testid=history-tasks] li").filter({ hasText: "Import broken.pdf" }).count()).toBe(3);
    await shot(desktop, "4d-import-retried");
    await desktop.context().close();
    await phone.context().close();
  });

  it("5. another user's session shows none of it", async () => {
    const owner = await (await device(browser, baseUrl)).newPage();
    await signUp(owner, uniqueEmail("owner"));
    await owner.getByTestId("import-input").setInputFiles(await cvFile());
    await owner.getByTestId("cv-list").locator("li").first().waitFor({ timeout: 20_000 });
    const { cvs } = await apiFromPage<CvListResponse>(owner, "/api/cvs");

    const stranger = await (await device(browser, baseUrl)).newPage();
    await signUp(stranger, uniqueEmail("stranger"));
    await openTasks(stranger);
    expect(await taskItem(stranger).count()).toBe(0);
    await stranger.getByText("No CVs yet").waitFor(); // the list loads after the page: wait for it, not a snapshot
    await stranger.goto(`/cvs/${cvs[0]!.id}`);
    await stranger.getByText("This CV does not exist, or it is not yours.").waitFor();
    await shot(stranger, "5-stranger-sees-nothing");
    await owner.context().close();
    await stranger.context().close();
  });
});
