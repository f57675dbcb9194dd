import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ApiErrorBody, BackgroundTask, PurgeResponse, TaskResponse, TaskSyncResponse, TasksResponse } from "@/shared/tasks";
import { ApiClient } from "../../scripts/lib/api-client";
import { untilTaskIs } from "../helpers/api-tasks";

const SYNC = "/api/background-tasks/sync";
const baseUrl = inject("baseUrl");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function create(client: ApiClient, payload: object = {}, extra: object = {}) {
  const res = await client.post<TaskResponse>(SYNC, { type: "noop", payload, ...extra });
  expect(res.status).toBe(202);
  return res.body.task;
}

const until = (client: ApiClient, id: string, ok: (t: BackgroundTask) => boolean) => untilTaskIs(client, id, ok, 15_000);

describe("authentication", () => {
  it("answers 401 JSON on every method without a valid session", async () => {
    const anonymous = new ApiClient(baseUrl);
    const forged = new ApiClient(baseUrl, "better-auth.session_token=forged.value");
    for (const client of [anonymous, forged]) {
      for (const [method, path] of [
        ["GET", SYNC],
        ["GET", `${SYNC}?since=0`],
        ["POST", SYNC],
        ["DELETE", `${SYNC}?action=purge`],
        ["DELETE", `${SYNC}?taskId=${randomUUID()}&action=cancel`],
      ] as const) {
        const res = await client.request<ApiErrorBody>(method, path, method === "POST" ? { type: "noop" } : undefined);
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.body.error.code).toBe("unauthorized");
      }
    }
  });

  it("stops answering once the user signs out", async () => {
    const client = await ApiClient.signUp(baseUrl);
    expect((await client.get(SYNC)).status).toBe(200);
    expect((await client.post("/api/auth/sign-out", {})).status).toBe(200);
    expect((await client.get(SYNC)).status).toBe(401);
  });
});

describe("isolation between users", () => {
  let alice: ApiClient;
  let bob: ApiClient;
  let task: BackgroundTask;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([ApiClient.signUp(baseUrl), ApiClient.signUp(baseUrl)]);
    task = await create(alice, { durationMs: 30_000 });
  });
  afterAll(() => alice.delete(`${SYNC}?taskId=${task.id}&action=cancel`));

  it("gives Bob 404 on every endpoint for Alice's task, and leaves it untouched", async () => {
    expect((await bob.get(`${SYNC}?taskId=${task.id}`)).status).toBe(404);
    expect((await bob.delete(`${SYNC}?taskId=${task.id}&action=cancel`)).status).toBe(404);
    expect((await bob.delete(`${SYNC}?taskId=${task.id}`)).status).toBe(404);
    const purge = await bob.delete<PurgeResponse>(`${SYNC}?action=purge`, { taskIds: [task.id] });
    expect(purge.body.deleted).toBe(0);
    const list = await bob.get<TaskSyncResponse>(SYNC);
    expect(list.body.tasks).toEqual([]);
    const delta = await bob.get<TaskSyncResponse>(`${SYNC}?since=0`);
    expect(delta.body.tasks).toEqual([]);

    const mine = await alice.get<TaskResponse>(`${SYNC}?taskId=${task.id}`);
    expect(mine.status).toBe(200);
    expect(["queued", "running"]).toContain(mine.body.task.status);
  });

  it("answers 409 without details when Bob reuses Alice's task id", async () => {
    const res = await bob.post<ApiErrorBody>(SYNC, { id: task.id, type: "noop" });
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).not.toContain(task.title);
    expect(JSON.stringify(res.body)).not.toMatch(/queued|running/);
  });
});

describe("creating tasks", () => {
  let client: ApiClient;
  beforeAll(async () => {
    client = await ApiClient.signUp(baseUrl);
  });

  it("is idempotent on a client-chosen id and ignores any status the client sends", async () => {
    const id = randomUUID();
    const first = await client.post<TaskResponse>(SYNC, { id, type: "noop", title: "Mine", status: "completed", payload: { durationMs: 2000 } });
    const second = await client.post<TaskResponse>(SYNC, { id, type: "noop", title: "Mine again", status: "failed" });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(first.body.task).toMatchObject({ id, title: "Mine", status: "queued", deviceId: client.deviceId });
    expect(second.body.task.title).toBe("Mine");
    const list = await client.get<TaskSyncResponse>(SYNC);
    expect(list.body.tasks.filter((t) => t.id === id)).toHaveLength(1);
    expect(typeof first.body.task.createdAt).toBe("number");
    await client.delete(`${SYNC}?taskId=${id}&action=cancel`);
  });

  it("runs a task to completion on the server", async () => {
    const task = await create(client, { durationMs: 300, steps: 3 });
    const done = await until(client, task.id, (t) => t.status === "completed");
    expect(done).toMatchObject({ progress: 100, result: { waitedMs: 300 }, attempts: 1 });
    expect(done.startedAt).toBeGreaterThanOrEqual(done.createdAt);
    expect(done.finishedAt).toBeGreaterThanOrEqual(done.startedAt!);
  });

  it("answers 400 with a message for bad input, and creates nothing", async () => {
    const before = (await client.get<TaskSyncResponse>(SYNC)).body.tasks.length;
    const cases: [unknown, RegExp, Record<string, string>?][] = [
      ["{not json", /not valid JSON/, { "content-type": "application/json" }],
      ["", /empty/],
      [{ type: "no-such-type" }, /Unknown task type "no-such-type"/],
      [{ type: "noop", payload: { durationMs: -5 } }, /payload\.durationMs/],
      [{ type: "noop", id: "not-a-uuid" }, /taskId must be a UUID|UUID/],
      [{}, /type/],
      [{ type: "noop" }, /X-Device-Id/, { "X-Device-Id": "bad id with spaces" }],
    ];
    for (const [body, message, headers] of cases) {
      const res = await client.post<ApiErrorBody>(SYNC, body, headers);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await client.get<TaskSyncResponse>(SYNC)).body.tasks.length).toBe(before);
  });

  it("answers 400 for a malformed id, cursor or action", async () => {
    for (const path of [`${SYNC}?taskId=123`, `${SYNC}?since=abc`, `${SYNC}?since=-1`]) {
      const res = await client.get<ApiErrorBody>(path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.message.length).toBeGreaterThan(10);
    }
    const unknown = await client.delete<ApiErrorBody>(`${SYNC}?taskId=${randomUUID()}&action=explode`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/action must be one of: cancel, purge/);
    expect((await client.delete<ApiErrorBody>(`${SYNC}?action=cancel`)).status).toBe(400);
    expect((await client.request<ApiErrorBody>("DELETE", `${SYNC}?action=purge`, "{oops", { "content-type": "application/json" })).status).toBe(400);
    // A body that is not JSON at all: 415.
    expect((await client.delete<ApiErrorBody>(`${SYNC}?action=purge`, "{oops")).status).toBe(415);
  });

  it("creates several tasks in one request, all or none, idempotent on their ids", async () => {
    const batcher = await ApiClient.signUp(baseUrl);
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const res = await batcher.post<TasksResponse>(SYNC, { tasks: ids.map((id, i) => ({ id, type: "noop", title: `Batch ${i}`, payload: { durationMs: 60_000 } })) });
    expect(res.status).toBe(202);
    expect(res.body.tasks.map((t) => [t.id, t.title, t.status === "queued" || t.status === "running"])).toEqual(ids.map((id, i) => [id, `Batch ${i}`, true]));
    // The same ids again, with one more: the five come back as they are, one is created.
    const extra = randomUUID();
    const again = await batcher.post<TasksResponse>(SYNC, { tasks: [...ids, extra].map((id) => ({ id, type: "noop", title: "Renamed?", payload: { durationMs: 60_000 } })) });
    expect(again.status).toBe(202);
    expect(again.body.tasks.map((t) => t.title)).toEqual([0, 1, 2, 3, 4].map((i) => `Batch ${i}`).concat("Renamed?"));

    // One bad task in the batch, one id given twice, one over the limit (20 active): 4xx, and nothing is created.
    const count = async () => (await batcher.get<TaskSyncResponse>(SYNC)).body.tasks.length;
    const before = await count();
    const bad = await batcher.post<ApiErrorBody>(SYNC, { tasks: [{ type: "noop" }, { type: "noop", payload: { durationMs: -1 } }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/payload\.durationMs/);
    const twice = randomUUID();
    const duplicate = await batcher.post<ApiErrorBody>(SYNC, { tasks: [{ id: twice, type: "noop" }, { id: twice, type: "noop" }] });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error.code).toBe("duplicate_task_id");
    const tooMany = await batcher.post<ApiErrorBody>(SYNC, { tasks: Array.from({ length: 15 }, () => ({ type: "noop", payload: { durationMs: 60_000 } })) });
    expect(tooMany.status).toBe(429);
    expect(tooMany.body.error.message).toMatch(/15 more do not fit \(room for 14\)/);
    const huge = await batcher.post<ApiErrorBody>(SYNC, { tasks: Array.from({ length: 51 }, () => ({ type: "noop" })) });
    expect(huge.status).toBe(400);
    expect(huge.body.error.message).toMatch(/at most 50 tasks/);
    expect((await batcher.post<ApiErrorBody>(SYNC, { tasks: [] })).status).toBe(400);
    expect(await count()).toBe(before);
    // Another user's id inside a batch: 409, and the rest of that batch is not created either.
    const stranger = await ApiClient.signUp(baseUrl);
    const mixed = await stranger.post<ApiErrorBody>(SYNC, { tasks: [{ type: "noop" }, { id: ids[0], type: "noop" }] });
    expect(mixed.status).toBe(409);
    expect((await stranger.get<TaskSyncResponse>(SYNC)).body.tasks).toHaveLength(0);
    await batcher.delete(`${SYNC}?action=purge`);
    for (const id of [...ids, extra]) await batcher.delete(`${SYNC}?taskId=${id}&action=cancel`);
  });

  it("refuses more than 20 unfinished tasks with 429 and a clear message", async () => {
    const busy = await ApiClient.signUp(baseUrl);
    const created: BackgroundTask[] = [];
    try {
      for (let i = 0; i < 20; i++) created.push(await create(busy, { durationMs: 60_000 }));
      const refused = await busy.post<ApiErrorBody>(SYNC, { type: "noop" });
      expect(refused.status).toBe(429);
      expect(refused.body.error.message).toMatch(/limit is 20/);
    } finally {
      for (const t of created) await busy.delete(`${SYNC}?taskId=${t.id}&action=cancel`);
    }
    expect((await busy.post(SYNC, { type: "noop" })).status).toBe(202);
  });
});

describe("cancel, delete and purge", () => {
  let phone: ApiClient;
  let desktop: ApiClient;
  beforeAll(async () => {
    phone = await ApiClient.signUp(baseUrl);
    desktop = phone.otherDevice("desktop-1");
  });

  it("cancels a running task at once, records the device, and a repeat is harmless", async () => {
    const task = await create(desktop, { durationMs: 30_000, steps: 100 });
    await until(phone, task.id, (t) => t.status === "running");
    const t0 = Date.now();
    const res = await phone.delete<TaskResponse>(`${SYNC}?taskId=${task.id}&action=cancel`);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(res.status).toBe(200);
    expect(res.body.task).toMatchObject({ status: "cancelled", deviceId: phone.deviceId });
    expect(res.body.task.cancelRequestedAt).toBeGreaterThan(0);
    const again = await phone.delete<TaskResponse>(`${SYNC}?taskId=${task.id}&action=cancel`);
    expect(again.status).toBe(200);
    expect(again.body.task.status).toBe("cancelled");
    // It stays cancelled: the work stopped and nothing completes it later.
    await sleep(700);
    expect((await desktop.get<TaskResponse>(`${SYNC}?taskId=${task.id}`)).body.task.status).toBe("cancelled");
  });

  it("answers 409 with the status when cancelling a finished task", async () => {
    const task = await create(desktop);
    await until(desktop, task.id, (t) => t.status === "completed");
    const res = await phone.delete<ApiErrorBody>(`${SYNC}?taskId=${task.id}&action=cancel`);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "task_finished", status: "completed" });
  });

  it("deletes one task (cancelling it first when active), then 404", async () => {
    const task = await create(desktop, { durationMs: 30_000 });
    const res = await phone.delete(`${SYNC}?taskId=${task.id}`);
    expect(res).toMatchObject({ status: 200, body: { deleted: true, taskId: task.id } });
    expect((await desktop.get(`${SYNC}?taskId=${task.id}`)).status).toBe(404);
    expect((await phone.delete(`${SYNC}?taskId=${task.id}`)).status).toBe(404);
  });

  it("purges finished tasks everywhere, never the active ones; the other device sees it through since", async () => {
    const client = await ApiClient.signUp(baseUrl);
    const other = client.otherDevice();
    const done = await create(client);
    const cancelled = await create(client, { durationMs: 30_000 });
    await client.delete(`${SYNC}?taskId=${cancelled.id}&action=cancel`);
    await until(client, done.id, (t) => t.status === "completed");
    const running = await create(client, { durationMs: 30_000 });
    await until(client, running.id, (t) => t.status === "running");

    const before = await other.get<TaskSyncResponse>(SYNC);
    expect(before.body.tasks).toHaveLength(3);
    const purge = await client.delete<PurgeResponse>(`${SYNC}?action=purge`);
    expect(purge.body).toEqual({ deleted: 2 });

    const delta = await other.get<TaskSyncResponse>(`${SYNC}?since=${before.body.cursor}`);
    expect(delta.body.full).toBe(false);
    expect(delta.body.deleted.sort()).toEqual([done.id, cancelled.id].sort());
    const after = await other.get<TaskSyncResponse>(SYNC);
    expect(after.body.tasks.map((t) => [t.id, t.status])).toEqual([[running.id, "running"]]);
    await client.delete(`${SYNC}?taskId=${running.id}&action=cancel`);
  });

  it("keeps an idle poll to a few dozen bytes", async () => {
    const client = await ApiClient.signUp(baseUrl);
    await create(client);
    const { cursor } = (await client.get<TaskSyncResponse>(SYNC)).body;
    await sleep(300);
    const { cursor: settled } = (await client.get<TaskSyncResponse>(`${SYNC}?since=${cursor}`)).body;
    const idle = await client.get<TaskSyncResponse>(`${SYNC}?since=${settled}`);
    expect(idle.body).toEqual({ cursor: settled, full: false, tasks: [], deleted: [] });
    expect(idle.bytes).toBeLessThan(64);
  });
});
