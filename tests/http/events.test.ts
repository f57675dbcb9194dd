import { describe, expect, inject, it } from "vitest";
import type { TaskResponse, TaskSyncResponse } from "@/shared/tasks";
import { ApiClient } from "../../scripts/lib/api-client";

const baseUrl = inject("baseUrl");
const SYNC = "/api/background-tasks/sync";

interface Frame {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

/** Opens the push channel and collects its frames as they arrive. */
async function open(client: ApiClient, headers: Record<string, string> = {}, query = "") {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/background-tasks/events${query}`, { headers: { cookie: client.cookieHeader, ...headers }, signal: controller.signal });
  const frames: Frame[] = [];
  if (res.ok && res.body) {
    void (async () => {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const frame: Frame = {};
            for (const line of buffer.slice(0, end).split("\n")) {
              if (line.startsWith(":")) frame.comment = line.slice(1).trim();
              else {
                const [k, ...v] = line.split(": ");
                if (k === "event" || k === "id" || k === "data") frame[k] = v.join(": ");
              }
            }
            frames.push(frame);
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // closed by the test
      }
    })();
  }
  return { res, frames, close: () => controller.abort() };
}

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

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
