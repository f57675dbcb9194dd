import { describe, expect, it } from "vitest";
import { applyChange, applySync, GHOST_AFTER_MS, markGhosts, optimisticTask, type LocalTask } from "@/client/task-sync/merge";
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
  it("never moves a status backwards, even if an older copy arrives late", () => {
    const running = map(task("a", "running", 5));
    expect(applySync(running, { full: false, tasks: [task("a", "queued", 3)], deleted: [] }).get("a")!.status).toBe("running");
    const cancelled = applyChange(running, { taskId: "a", kind: "upsert", task: task("a", "cancelled", 7) });
    expect(applyChange(cancelled, { taskId: "a", kind: "upsert", task: task("a", "running", 6) }).get("a")!.status).toBe("cancelled");
    // A terminal status stays terminal even at a higher version (the server never does this, the merge refuses it).
    expect(applyChange(cancelled, { taskId: "a", kind: "upsert", task: task("a", "queued", 9) }).get("a")!.status).toBe("cancelled");
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

  it("turns a task the server never confirmed into a failed ghost after 10 s", () => {
    const local = map(optimisticTask("mine", "generate-cv", "Tailor", "d", { url: "/x", init: { method: "POST" } }, 0));
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
});
