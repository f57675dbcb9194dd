/** What the task center offers beyond the list: undo of a deletion, retry as a new task, titles the UI can translate. */
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import type { CvResponse } from "@/shared/cv";
import type { ApiErrorBody, BackgroundTask, TaskResponse, TaskSyncResponse } from "@/shared/tasks";
import { ada } from "../fixtures/people";
import { corruptPdf, cvPdf } from "../helpers/pdfs";
import { ApiClient } from "../../scripts/lib/api-client";
import { untilTaskIs } from "../helpers/api-tasks";

const SYNC = "/api/background-tasks/sync";
const IMPORT = "/api/background-tasks/import-pdf";
const baseUrl = inject("baseUrl");

async function finished(client: ApiClient, payload: object = { durationMs: 50, steps: 1 }, extra: object = {}): Promise<BackgroundTask> {
  const res = await client.post<TaskResponse>(SYNC, { type: "noop", payload, ...extra });
  expect(res.status).toBe(202);
  return untilTaskIs(client, res.body.task.id, (t) => t.status === "completed");
}

describe("undo a deletion", () => {
  it("brings a deleted finished task back, as it was, for every device of the account", async () => {
    const phone = await ApiClient.signUp(baseUrl);
    const desktop = phone.otherDevice();
    const task = await finished(phone);
    const before = (await desktop.get<TaskSyncResponse>(SYNC)).body;

    expect((await phone.delete(`${SYNC}?taskId=${task.id}`)).status).toBe(200);
    const afterDelete = (await desktop.get<TaskSyncResponse>(`${SYNC}?since=${before.cursor}`)).body;
    expect(afterDelete.deleted).toEqual([task.id]);

    const restored = await phone.post<TaskResponse>("/api/background-tasks/restore", { taskId: task.id });
    expect(restored.status).toBe(200);
    // The other device learns of it from its next delta: the same task, same times and result, newer version.
    const afterRestore = (await desktop.get<TaskSyncResponse>(`${SYNC}?since=${afterDelete.cursor}`)).body;
    expect(afterRestore.tasks.map((t) => t.id)).toEqual([task.id]);
    const back = afterRestore.tasks[0]!;
    expect({ ...back, version: 0, updatedAt: 0, deviceId: null }).toEqual({ ...task, version: 0, updatedAt: 0, deviceId: null });
    expect(back.version).toBeGreaterThan(task.version);
    expect((await desktop.get<TaskSyncResponse>(SYNC)).body.tasks.map((t) => t.id)).toContain(task.id);

    // Once is all: a second undo has nothing to bring back.
    const again = await phone.post<ApiErrorBody>("/api/background-tasks/restore", { taskId: task.id });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe("undo_expired");
  });

  it("restores nothing for another user, and nothing that was cleared rather than deleted", async () => {
    const alice = await ApiClient.signUp(baseUrl);
    const bob = await ApiClient.signUp(baseUrl);
    const task = await finished(alice);
    await alice.delete(`${SYNC}?taskId=${task.id}`);
    const res = await bob.post<ApiErrorBody>("/api/background-tasks/restore", { taskId: task.id });
    expect(res.status).toBe(404);
    expect((await bob.get<TaskSyncResponse>(SYNC)).body.tasks).toEqual([]);
    // Alice still can: Bob's attempt did not use up her undo.
    expect((await alice.post("/api/background-tasks/restore", { taskId: task.id })).status).toBe(200);

    const bad = await alice.post<ApiErrorBody>("/api/background-tasks/restore", { taskId: "nope" });
    expect(bad.status).toBe(400);
  });
});

describe("retry", () => {
  it("starts a cancelled task again as a new task with the same type, title and input; an active or completed one is refused", async () => {
    const client = await ApiClient.signUp(baseUrl);
    const running = (await client.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 60_000 }, title: "A long wait" })).body.task;
    const refused = await client.post<ApiErrorBody>("/api/background-tasks/retry", { taskId: running.id, id: randomUUID() });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("task_not_retryable");

    await client.delete(`${SYNC}?taskId=${running.id}&action=cancel`);
    const id = randomUUID();
    const res = await client.post<TaskResponse>("/api/background-tasks/retry", { taskId: running.id, id });
    expect(res.status).toBe(202);
    expect(res.body.task).toMatchObject({ id, type: "noop", title: "A long wait", titleParams: null, deviceId: client.deviceId });
    expect(["queued", "running"]).toContain(res.body.task.status);
    // Same id again: the same task, not a second one.
    expect((await client.post<TaskResponse>("/api/background-tasks/retry", { taskId: running.id, id })).body.task.id).toBe(id);
    const { tasks } = (await client.get<TaskSyncResponse>(SYNC)).body;
    expect(tasks.filter((t) => t.title === "A long wait").map((t) => t.status === "cancelled")).toEqual([false, true]); // newest first
    await client.delete(`${SYNC}?taskId=${id}&action=cancel`);

    const done = await finished(client);
    expect((await client.post<ApiErrorBody>("/api/background-tasks/retry", { taskId: done.id, id: randomUUID() })).body.error.code).toBe("task_not_retryable");
  });
});

describe("retry an import", () => {
  it("from any device, with the file the server kept; only the latest 3 failed or cancelled imports keep theirs", async () => {
    const desktop = await ApiClient.signUp(baseUrl);
    const phone = desktop.otherDevice();
    // Both of the user's slots busy, so the import stays queued and its cancel is certain to win.
    const waits = [];
    for (let i = 0; i < 2; i++) waits.push((await desktop.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 60_000 } })).body.task);
    for (const w of waits) await untilTaskIs(desktop, w.id, (t) => t.status === "running");
    const uploaded = await desktop.upload<TaskResponse>(IMPORT, await cvPdf(ada), "ada.pdf");
    expect(uploaded.status).toBe(202);
    expect(uploaded.body.task.inputKept).toBe(true);
    expect((await desktop.delete(`${SYNC}?taskId=${uploaded.body.task.id}&action=cancel`)).status).toBe(200);
    for (const w of waits) await desktop.delete(`${SYNC}?taskId=${w.id}&action=cancel`);

    // The phone never had the file: it retries the cancelled import, and the new task reads the very same PDF.
    const cancelled = await untilTaskIs(phone, uploaded.body.task.id, (t) => t.status === "cancelled");
    expect(cancelled.inputKept).toBe(true);
    const retried = await phone.post<TaskResponse>("/api/background-tasks/retry", { taskId: cancelled.id, id: randomUUID() });
    expect(retried.status).toBe(202);
    expect(retried.body.task).toMatchObject({ type: "import-pdf", titleParams: { file: "ada.pdf" }, deviceId: phone.deviceId });
    const done = await untilTaskIs(phone, retried.body.task.id, (t) => t.status === "completed");
    expect(done.inputKept).toBe(false); // a completed import keeps nothing
    const cv = await phone.get<CvResponse>(`/api/cvs/${(done.result as { cvId: string }).cvId}`);
    expect(cv.body.cv.content.basics.name).toBe(ada.basics.name);

    // Three more imports fail: the cancelled one was the oldest of four kept, so its file goes and it says so.
    const failed: BackgroundTask[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await desktop.upload<TaskResponse>(IMPORT, corruptPdf(), `broken-${i}.pdf`);
      failed.push(await untilTaskIs(desktop, res.body.task.id, (t) => t.status === "failed"));
    }
    const now = (await phone.get<TaskSyncResponse>(SYNC)).body.tasks;
    expect(now.find((t) => t.id === cancelled.id)!.inputKept).toBe(false);
    expect(failed.map((f) => now.find((t) => t.id === f.id)!.inputKept)).toEqual([true, true, true]);
    const gone = await phone.post<ApiErrorBody>("/api/background-tasks/retry", { taskId: cancelled.id, id: randomUUID() });
    expect(gone.status).toBe(409);
    expect(gone.body.error.code).toBe("input_gone");
    expect(gone.body.error.message).toMatch(/choose the PDF again/);
    // A kept one still retries (and fails again, the same broken file).
    const again = await phone.post<TaskResponse>("/api/background-tasks/retry", { taskId: failed[0]!.id, id: randomUUID() });
    expect(again.status).toBe(202);
    expect((await untilTaskIs(phone, again.body.task.id, (t) => t.status === "failed")).error?.code).toBe(failed[0]!.error?.code);

    // Deleting a task deletes its kept file with it; another user can never retry it.
    const stranger = await ApiClient.signUp(baseUrl);
    expect((await stranger.post<ApiErrorBody>("/api/background-tasks/retry", { taskId: failed[1]!.id, id: randomUUID() })).status).toBe(404);
    expect((await desktop.delete(`${SYNC}?taskId=${failed[1]!.id}`)).status).toBe(200);
    expect((await desktop.post<ApiErrorBody>("/api/background-tasks/retry", { taskId: failed[1]!.id, id: randomUUID() })).status).toBe(404);
  });
});

describe("titles", () => {
  it("keeps what a default title is made of (for the UI to build it in the reader's language) and who created the task", async () => {
    const client = await ApiClient.signUp(baseUrl);
    const made = (await client.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 60_000 } })).body.task;
    expect(made).toMatchObject({ title: "Wait 60000 ms", titleParams: { ms: "60000" }, createdByDeviceId: client.deviceId });
    const given = (await client.post<TaskResponse>(SYNC, { type: "noop", title: "Mine", payload: {} })).body.task;
    expect(given.titleParams).toBeNull();
    // Another device acting on it is the last to act; the creator stays.
    const other = client.otherDevice();
    const cancelled = (await other.delete<TaskResponse>(`${SYNC}?taskId=${made.id}&action=cancel`)).body.task;
    expect(cancelled).toMatchObject({ status: "cancelled", deviceId: other.deviceId, createdByDeviceId: client.deviceId });
  });
});
