import { describe, expect, inject, it } from "vitest";
import type { TaskResponse, TaskSyncResponse } from "@/shared/tasks";
import { ApiClient } from "../../scripts/lib/api-client";
import { openEvents, until } from "../helpers/sse";

const baseUrl = inject("baseUrl");
const SYNC = "/api/background-tasks/sync";

const open = (client: ApiClient, headers: Record<string, string> = {}, query = "") =>
  openEvents(`${baseUrl}/api/background-tasks/events${query}`, client.cookieHeader, headers);

describe("push channel (Server-Sent Events)", () => {
  it("needs a session", async () => {
    const { res } = await open(new ApiClient(baseUrl));
    expect(res.status).toBe(401);
  });

  it("pushes each change of the user's tasks as it happens, and nothing of another user's", async () => {
    const alice = await ApiClient.signUp(baseUrl);
    const bob = await ApiClient.signUp(baseUrl);
    const stream = await open(alice);
    expect(stream.res.headers.get("content-type")).toMatch(/text\/event-stream/);
    await until(() => stream.frames.some((f) => f.comment === "connected"));

    await bob.post(SYNC, { type: "noop" });
    const t0 = Date.now();
    const { body } = await alice.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 200, steps: 2 } });
    await until(() => stream.frames.some((f) => f.event === "task" && f.data?.includes(body.task.id)));
    expect(Date.now() - t0).toBeLessThan(1000);
    await until(() => stream.frames.some((f) => f.event === "task" && f.data?.includes('"status":"completed"')));
    const mine = stream.frames.filter((f) => f.event === "task").map((f) => JSON.parse(f.data!));
    expect(mine.every((m) => m.taskId === body.task.id)).toBe(true);
    expect(mine.map((m) => m.task.status)).toEqual(expect.arrayContaining(["queued", "running", "completed"]));
    // Ids are versions, rising.
    const ids = stream.frames.filter((f) => f.event === "task").map((f) => Number(f.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    stream.close();
  });

  it("resumes from Last-Event-ID (or ?since) without losing what changed while disconnected", async () => {
    const client = await ApiClient.signUp(baseUrl);
    const first = await client.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 30_000 } });
    const { cursor } = (await client.get<TaskSyncResponse>(SYNC)).body;
    // While no connection is open: one change and one deletion.
    await client.delete(`${SYNC}?taskId=${first.body.task.id}`);
    const second = await client.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 30_000 } });

    const resumes: { headers: Record<string, string>; query: string }[] = [
      { headers: { "Last-Event-ID": cursor }, query: "" },
      { headers: {}, query: `?since=${cursor}` },
    ];
    for (const resume of resumes) {
      const stream = await open(client, resume.headers, resume.query);
      await until(() => stream.frames.some((f) => f.event === "sync"));
      const delta = JSON.parse(stream.frames.find((f) => f.event === "sync")!.data!) as TaskSyncResponse;
      expect(delta.full).toBe(false);
      expect(delta.deleted).toContain(first.body.task.id);
      expect(delta.tasks.map((t) => t.id)).toContain(second.body.task.id);
      stream.close();
    }
    await client.delete(`${SYNC}?taskId=${second.body.task.id}&action=cancel`);
  });
});
