/**
 * Streams end at their lifetime, and a client that reconnects with Last-Event-ID (as EventSource does)
 * loses nothing: its view, built with the browser's own merge, ends equal to the server's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyChange, applySync, rememberDeleted, rememberDeletion, type LocalTask } from "@/client/task-sync/merge";
import type { TaskSyncResponse } from "@/shared/tasks";
import { ApiClient } from "../../scripts/lib/api-client";
import { startAppServer, type AppServer } from "../../scripts/lib/app-server";
import { openEvents, until, type EventStream, type Frame } from "../helpers/sse";

const SYNC = "/api/background-tasks/sync";
const LIFETIME_MS = 2000;

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer({ ALLOW_DIAGNOSTIC_TASKS: "true", PUSH_STREAM_LIFETIME_MS: String(LIFETIME_MS), TASK_PER_USER_CONCURRENCY: "3" });
});
afterAll(async () => {
  await server?.stop();
});

describe("stream lifetime", () => {
  it("ends each stream after its lifetime (jittered up to 1.5x) and the reconnection resumes without losing a change", async () => {
    const user = await ApiClient.signUp(server.url);
    const first = (await user.get<TaskSyncResponse>(SYNC)).body;
    let view = applySync(new Map<string, LocalTask>(), first);
    let deleted: ReadonlyMap<string, number> = rememberDeleted(new Map(), first);
    const apply = (frames: Frame[]) => {
      for (const f of frames) {
        if (f.event === "sync") {
          const delta = JSON.parse(f.data!) as TaskSyncResponse;
          view = applySync(view, delta, deleted);
          deleted = rememberDeleted(deleted, delta);
        } else if (f.event === "task") {
          const change = JSON.parse(f.data!);
          view = applyChange(view, change, deleted);
          if (change.kind === "delete") deleted = rememberDeletion(deleted, change.taskId, change.version);
        }
      }
    };

    // Changes all along: a task every 300 ms, each reporting progress, some cancelled, some deleted.
    let producing = true;
    const made: string[] = [];
    const producer = (async () => {
      for (let i = 0; producing; i++) {
        const { body } = await user.post<{ task: { id: string } }>(SYNC, { type: "noop", payload: { durationMs: 900, steps: 6 } });
        made.push(body.task.id);
        if (i % 4 === 3) await user.delete(`${SYNC}?taskId=${made[i - 1]}&action=cancel`);
        if (i % 5 === 4) await user.delete(`${SYNC}?taskId=${made[i - 3]}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    })();

    // The client: like EventSource, reconnects with the last id it received each time a stream ends.
    let lastId = first.cursor;
    const lives: number[] = [];
    let stream: EventStream | null = null;
    const startedAt = Date.now();
    while (lives.length < 3) {
      const openedAt = Date.now();
      stream = await openEvents(`${server.url}/api/background-tasks/events`, user.cookieHeader, { "Last-Event-ID": lastId });
      expect(stream.res.status).toBe(200);
      await Promise.race([stream.ended, new Promise((r) => setTimeout(r, LIFETIME_MS * 10))]);
      expect(stream.isEnded(), "a stream outlived its lifetime").toBe(true);
      lives.push(Date.now() - openedAt);
      expect(stream.frames.at(-1)).toMatchObject({ event: "closed", data: '{"reason":"lifetime"}' });
      // A reconnection comes quickly: the stream says so.
      expect(Number(stream.frames.find((f) => f.retry !== undefined)?.retry)).toBeLessThanOrEqual(2000);
      apply(stream.frames);
      lastId = stream.lastId() ?? lastId;
    }
    producing = false;
    await producer;
    expect(Date.now() - startedAt).toBeGreaterThan(3 * LIFETIME_MS - 100);
    for (const life of lives) expect(life).toBeGreaterThanOrEqual(LIFETIME_MS - 100);

    // The last connection: until the server has nothing more to say.
    await until(async () => (await user.get<TaskSyncResponse>(SYNC)).body.tasks.every((t) => t.status !== "queued" && t.status !== "running"), 60_000, "tasks done");
    const finalCursor = (await user.get<TaskSyncResponse>(SYNC)).body.cursor;
    stream = await openEvents(`${server.url}/api/background-tasks/events`, user.cookieHeader, { "Last-Event-ID": lastId });
    await until(() => Number(stream!.lastId() ?? 0) >= Number(finalCursor), 15_000, "caught up");
    stream.close();
    apply(stream.frames);

    const truth = (await user.get<TaskSyncResponse>(SYNC)).body.tasks;
    expect(made.length).toBeGreaterThan(10);
    const summary = (tasks: Iterable<LocalTask>) => new Map([...tasks].map((t) => [t.id, `${t.status}@${t.version}`]));
    expect(summary(view.values())).toEqual(summary(truth));
  }, 180_000);
});
