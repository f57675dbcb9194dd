import { describe, expect, it } from "vitest";
import {
  applyChange,
  applySync,
  forgetDeletion,
  GHOST_AFTER_MS,
  markGhosts,
  optimisticTask,
  rememberDeleted,
  rememberDeletion,
  type LocalTask,
} from "@/client/task-sync/merge";
import type { BackgroundTask, TaskStatus } from "@/shared/tasks";

const task = (id: string, status: TaskStatus, version: number, extra: Partial<BackgroundTask> = {}): BackgroundTask => ({
  ...optimisticTask(id, "noop", id, "d", undefined, 1000),
  pending: undefined,
  status,
  version,
  ...extra,
}) as BackgroundTask;

const map = (...tasks: LocalTask[]) => new Map(tasks.map((t) => [t.id, t]));

describe("client merge", () => {
  it("ignores an older copy arriving late, whatever its status", () => {
    const running = map(task("a", "running", 5));
    expect(applySync(running, { full: false, tasks: [task("a", "queued", 3)], deleted: [] }).get("a")!.status).toBe("running");
    const cancelled = applyChange(running, { taskId: "a", kind: "upsert", task: task("a", "cancelled", 7) });
    expect(applyChange(cancelled, { taskId: "a", kind: "upsert", task: task("a", "running", 6) }).get("a")!.status).toBe("cancelled");
  });

  it("takes the server's own moves: a re-queued task (running → queued, newer version) shows as queued", () => {
    const running = map(task("a", "running", 5, { progress: 60, stage: "parsing" }));
    const requeued = task("a", "queued", 6, { progress: 0, stage: null, attempts: 1 });
    expect(applyChange(running, { taskId: "a", kind: "upsert", task: requeued }).get("a")).toMatchObject({ status: "queued", progress: 0 });
    expect(applySync(running, { full: false, tasks: [requeued], deleted: [] }).get("a")).toMatchObject({ status: "queued", progress: 0 });
  });

  it("takes newer progress while running", () => {
    const next = applyChange(map(task("a", "running", 5, { progress: 10 })), { taskId: "a", kind: "upsert", task: task("a", "running", 6, { progress: 40 }) });
    expect(next.get("a")!.progress).toBe(40);
  });

  it("shows a task started here at once, keeps it through a full list that does not have it yet, then takes the server's", () => {
    const local = map(optimisticTask("mine", "import-pdf", "Import cv.pdf", "d", undefined, Date.now()));
    const afterFull = applySync(local, { full: true, tasks: [task("other", "completed", 4)], deleted: [] });
    expect([...afterFull.keys()].sort()).toEqual(["mine", "other"]);
    expect(afterFull.get("mine")).toMatchObject({ status: "queued", pending: true });
    const confirmed = applySync(afterFull, { full: false, tasks: [task("mine", "running", 5)], deleted: [] });
    expect(confirmed.get("mine")).toMatchObject({ status: "running" });
    expect(confirmed.get("mine")!.pending).toBeUndefined();
  });

  it("turns a task the server never confirmed into a failed ghost after 10 s, once its request has ended", () => {
    const local = map({ ...optimisticTask("mine", "generate-cv", "Tailor", "d", { url: "/x", init: { method: "POST" } }, 0), inFlight: false });
    expect(markGhosts(local, GHOST_AFTER_MS - 1)).toBeNull();
    const ghosts = markGhosts(local, GHOST_AFTER_MS)!;
    expect(ghosts.get("mine")).toMatchObject({ ghost: true, status: "failed", error: { code: "not_confirmed" } });
  });

  it("drops tasks deleted on other devices, and replaces everything on a full list", () => {
    const local = map(task("a", "completed", 2), task("b", "running", 3));
    expect([...applySync(local, { full: false, tasks: [], deleted: ["a"] }).keys()]).toEqual(["b"]);
    expect([...applySync(local, { full: true, tasks: [task("c", "queued", 9)], deleted: [] }).keys()]).toEqual(["c"]);
    expect([...applyChange(local, { taskId: "b", kind: "delete", task: null }).keys()]).toEqual(["a"]);
  });

  it("never turns a task whose creation request is still in flight into a ghost (a slow upload)", () => {
    const uploading = map(optimisticTask("mine", "import-pdf", "Import big.pdf", "d", undefined, 0));
    expect(markGhosts(uploading, GHOST_AFTER_MS * 6)).toBeNull();
    expect(uploading.get("mine")).toMatchObject({ status: "queued", pending: true });
  });

  it("does not bring a deleted task back when a stale copy arrives after the deletion", () => {
    const local = map(task("a", "running", 5), task("b", "running", 6));
    // A poll's delta says `a` was deleted (the cursor is 9)...
    const delta = { cursor: "9", full: false, tasks: [], deleted: ["a"] };
    let deleted = rememberDeleted(new Map(), delta);
    const afterPoll = applySync(local, delta, deleted);
    expect([...afterPoll.keys()]).toEqual(["b"]);
    // ...then a push frame sent before the deletion arrives late, and a slower poll answers with an old copy.
    expect(applyChange(afterPoll, { taskId: "a", kind: "upsert", task: task("a", "running", 7, { progress: 80 }) }, deleted).has("a")).toBe(false);
    expect(applySync(afterPoll, { full: false, tasks: [task("a", "running", 8)], deleted: [] }, deleted).has("a")).toBe(false);
    // A push deletion is remembered at its own version.
    deleted = rememberDeletion(deleted, "b", 10);
    const noB = applyChange(afterPoll, { taskId: "b", kind: "delete", task: null }, deleted);
    expect(applyChange(noB, { taskId: "b", kind: "upsert", task: task("b", "completed", 10) }, deleted).has("b")).toBe(false);
    // A full list is the whole truth: it confirms the deletions, and the memory starts over.
    const full = { cursor: "12", full: true, tasks: [task("c", "queued", 11)], deleted: [] };
    expect([...applySync(noB, full, deleted).keys()]).toEqual(["c"]);
    expect(rememberDeleted(deleted, full).size).toBe(0);
  });

  it("keeps a task deleted here hidden until the server answers, and shows it again if the server refuses", () => {
    const local = map(task("a", "completed", 5));
    const hidden = rememberDeletion(new Map(), "a");
    const dropped = new Map(local);
    dropped.delete("a");
    // Whatever arrives before the DELETE is answered, even a full list, does not show it again.
    expect(applySync(dropped, { full: true, tasks: [task("a", "completed", 5)], deleted: [] }, hidden).has("a")).toBe(false);
    expect(applyChange(dropped, { taskId: "a", kind: "upsert", task: task("a", "completed", 6) }, hidden).has("a")).toBe(false);
    // The server's delta then gives the deletion its version; a newer copy (the id used again) shows.
    const confirmed = rememberDeleted(hidden, { cursor: "7", full: false, deleted: ["a"] });
    expect(confirmed.get("a")).toBe(7);
    expect(applyChange(dropped, { taskId: "a", kind: "upsert", task: task("a", "queued", 8) }, confirmed).has("a")).toBe(true);
    // Refused: shown again by the next sync.
    expect(applySync(dropped, { full: false, tasks: [task("a", "completed", 5)], deleted: [] }, forgetDeletion(hidden, "a")).has("a")).toBe(true);
  });
});
