import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backgroundTask, taskTombstone } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import type { TaskSyncResponse } from "@/shared/tasks";
import { createEngine, describeBackends, type Engine, type EngineNode } from "../helpers/engine";

let engine: Engine;
afterEach(() => engine?.close());

const newTask = (title = "t") => ({ id: randomUUID(), type: "noop", title, payload: {} });

/** Marks tasks finished directly, as if they had run. */
async function finish(e: Engine, ids: string[], status: "completed" | "failed" | "cancelled" = "completed") {
  await e.database.db.update(backgroundTask).set({ status, finishedAt: Date.now() }).where(inArray(backgroundTask.id, ids));
}

/** Three processes on the same database (on PostgreSQL, three connection pools): the engine and two more. */
async function nodesOf(e: Engine): Promise<EngineNode[]> {
  return [e, await e.node({ poolSize: 5 }), await e.node({ poolSize: 5 })];
}

/** Applies a sync response to a device's local state, the way the client does. */
function apply(local: Map<string, string>, res: TaskSyncResponse) {
  if (res.full) local.clear();
  for (const t of res.tasks) local.set(t.id, t.status);
  for (const id of res.deleted) local.delete(id);
}

describeBackends("store", (backend) => {
describe("history cap", () => {
  beforeEach(async () => {
    engine = await createEngine({ backend, limits: { historyLimit: 100, activeLimit: 1000 } });
  });

  it("100 concurrent creations from three processes on top of 100 finished tasks leave exactly 100, all the new ones", async () => {
    const userId = await engine.addUser();
    const old = [];
    for (let i = 0; i < 100; i++) old.push((await engine.store.create(userId, newTask(`old ${i}`), null)).task.id);
    await finish(engine, old);

    const nodes = await nodesOf(engine);
    const created = await Promise.all(Array.from({ length: 100 }, (_, i) => nodes[i % 3]!.store.create(userId, newTask("new"), null)));
    const rows = await engine.database.db.select().from(backgroundTask).where(eq(backgroundTask.userId, userId));
    expect(rows).toHaveLength(100);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(created.map((c) => c.task.id)));
  });

  it("drops the oldest finished first and never an active task, even when over the cap", async () => {
    const userId = await engine.addUser();
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) ids.push((await engine.store.create(userId, newTask(`old ${i}`), null)).task.id);
    const activeOld = ids.slice(0, 10); // the oldest ten stay queued
    await finish(engine, ids.slice(10));

    const nodes = await nodesOf(engine);
    const created = await Promise.all(Array.from({ length: 95 }, (_, i) => nodes[i % 3]!.store.create(userId, newTask(), null)));
    const rows = await engine.database.db.select().from(backgroundTask).where(eq(backgroundTask.userId, userId));
    const remaining = new Set(rows.map((r) => r.id));
    // 105 active tasks cannot fit in 100: every finished one went, no active one did.
    expect(rows).toHaveLength(105);
    for (const id of [...activeOld, ...created.map((c) => c.task.id)]) expect(remaining.has(id)).toBe(true);
    expect(rows.every((r) => r.status === "queued")).toBe(true);
  });

  it("records tombstones for the tasks the cap dropped, so other devices drop them too", async () => {
    engine = await createEngine({ backend, limits: { historyLimit: 3, activeLimit: 10 } }).then(async (e) => (await engine.close(), e));
    const userId = await engine.addUser();
    const first = (await engine.store.create(userId, newTask(), null)).task.id;
    await finish(engine, [first]);
    const { cursor } = await engine.store.list(userId);
    for (let i = 0; i < 3; i++) await engine.store.create(userId, newTask(), null);
    const delta = await engine.store.changesSince(userId, Number(cursor));
    expect(delta.deleted).toEqual([first]);
    expect(delta.tasks).toHaveLength(3);
  });
});

describe("active-task cap", () => {
  beforeEach(async () => {
    engine = await createEngine({ backend, limits: { historyLimit: 100, activeLimit: 20 } });
  });

  it("refuses the 21st unfinished task with 429 under concurrent creation, and drops nothing", async () => {
    const userId = await engine.addUser();
    const nodes = await nodesOf(engine);
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => nodes[i % 3]!.store.create(userId, newTask(), null)));
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(20);
    expect(refused).toHaveLength(10);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(AppError);
      expect((r.reason as AppError).status).toBe(429);
      expect((r.reason as AppError).message).toMatch(/limit is 20/);
    }
    expect((await engine.store.list(userId)).tasks).toHaveLength(20);
  });
});

describe("idempotent creation", () => {
  beforeEach(async () => {
    engine = await createEngine({ backend });
  });

  it("creates one task for the same id sent twice, and refuses another user's id with 409", async () => {
    const [a, b] = [await engine.addUser(), await engine.addUser()];
    const task = newTask("first");
    const [one, two] = await Promise.all([
      engine.store.create(a, task, "d1"),
      engine.store.create(a, { ...task, title: "second" }, "d1"),
    ]);
    expect(one.task.id).toBe(two.task.id);
    expect([one.created, two.created].sort()).toEqual([false, true]);
    expect((await engine.store.list(a)).tasks).toHaveLength(1);

    const err = await engine.store.create(b, task, "d2").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(409);
    expect((err as AppError).message).not.toMatch(/first|queued/);
  });
});

describe("delta sync", () => {
  beforeEach(async () => {
    engine = await createEngine({ backend });
  });

  it("keeps a second device exactly in step across creates, updates and deletes", async () => {
    const userId = await engine.addUser();
    const device = new Map<string, string>();
    let res = await engine.store.list(userId);
    apply(device, res);
    expect(res).toMatchObject({ full: true, tasks: [], cursor: "0" });

    const t1 = (await engine.store.create(userId, newTask("one"), "a")).task;
    const t2 = (await engine.store.create(userId, newTask("two"), "a")).task;
    res = await engine.store.changesSince(userId, Number(res.cursor));
    apply(device, res);
    expect(res.full).toBe(false);
    expect(res.tasks.map((t) => t.id).sort()).toEqual([t1.id, t2.id].sort());

    // An idle poll: nothing, same cursor.
    const idle = await engine.store.changesSince(userId, Number(res.cursor));
    expect(idle).toEqual({ cursor: res.cursor, full: false, tasks: [], deleted: [] });
    expect(JSON.stringify(idle).length).toBeLessThan(64);

    await engine.store.cancel(userId, t1.id, "b");
    await engine.store.delete(userId, t2.id);
    const t3 = (await engine.store.create(userId, newTask("three"), "a")).task;
    res = await engine.store.changesSince(userId, Number(res.cursor));
    apply(device, res);
    expect(res.tasks.map((t) => [t.id, t.status])).toEqual([
      [t1.id, "cancelled"],
      [t3.id, "queued"],
    ]);
    expect(res.deleted).toEqual([t2.id]);
    expect(device).toEqual(new Map([[t1.id, "cancelled"], [t3.id, "queued"]]));

    // The device's state equals a fresh full list.
    const fresh = new Map<string, string>();
    apply(fresh, await engine.store.list(userId));
    expect(device).toEqual(fresh);
  });

  it("answers a full resync to a cursor older than the pruned tombstones, or from the future", async () => {
    const userId = await engine.addUser();
    const t = (await engine.store.create(userId, newTask(), null)).task;
    const { cursor } = await engine.store.list(userId);
    await engine.store.delete(userId, t.id);
    await engine.database.db.update(taskTombstone).set({ deletedAt: Date.now() - 2 * 24 * 3600_000 });
    expect(await engine.store.pruneTombstones(24 * 3600_000)).toBe(1);
    expect(await engine.database.db.select().from(taskTombstone)).toHaveLength(0);

    const stale = await engine.store.changesSince(userId, Number(cursor));
    expect(stale.full).toBe(true);
    expect(stale.tasks).toEqual([]);
    const future = await engine.store.changesSince(userId, Number(stale.cursor) + 1000);
    expect(future.full).toBe(true);
  });

  it("never shows another user's changes", async () => {
    const [a, b] = [await engine.addUser(), await engine.addUser()];
    await engine.store.create(a, newTask(), null);
    expect((await engine.store.list(b)).tasks).toEqual([]);
    expect((await engine.store.changesSince(b, 0)).tasks).toEqual([]);
  });
});

describe("purge", () => {
  beforeEach(async () => {
    engine = await createEngine({ backend });
  });

  it("deletes finished tasks only, and a second device sees the deletions through since", async () => {
    const userId = await engine.addUser();
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await engine.store.create(userId, newTask(), "phone")).task.id);
    await finish(engine, [ids[0]!], "completed");
    await finish(engine, [ids[1]!], "failed");
    await engine.store.cancel(userId, ids[2]!, "phone");
    await engine.database.db.update(backgroundTask).set({ status: "running" }).where(eq(backgroundTask.id, ids[3]!));

    const desktop = new Map<string, string>();
    const start = await engine.store.list(userId);
    apply(desktop, start);
    expect(desktop.size).toBe(6);

    // Purging a subset touches only the finished tasks in it.
    expect(await engine.store.purge(userId, [ids[0]!, ids[3]!])).toBe(1);
    expect(await engine.store.purge(userId)).toBe(2);
    expect(await engine.store.purge(userId)).toBe(0);

    const delta = await engine.store.changesSince(userId, Number(start.cursor));
    apply(desktop, delta);
    expect(delta.deleted.sort()).toEqual(ids.slice(0, 3).sort());
    expect([...desktop.keys()].sort()).toEqual(ids.slice(3).sort());
    const rows = await engine.database.db
      .select({ status: backgroundTask.status })
      .from(backgroundTask)
      .where(and(eq(backgroundTask.userId, userId)));
    expect(rows.map((r) => r.status).sort()).toEqual(["queued", "queued", "running"]);
  });
});
});
