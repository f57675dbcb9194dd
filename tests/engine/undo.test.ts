/** Undo of a deleted task, in the store: the task comes back as it was, other devices learn it through their cursor, once only. */
import { randomUUID } from "node:crypto";
import { inArray } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { backgroundTask } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import { TaskStore } from "@/server/tasks/store";
import { createEngine, describeBackends, type Engine } from "../helpers/engine";

let engine: Engine;
afterEach(() => engine?.close());

const newTask = (title = "t") => ({ id: randomUUID(), type: "noop", title, payload: { durationMs: 5 } });
const code = (p: Promise<unknown>) => p.then(() => "ok", (e: unknown) => (AppError.is(e) ? e.code : String(e)));

describeBackends("undo", (backend) => {
  describe("restore", () => {
    it("brings back a deleted finished task with its payload, at a newer version, seen by a device's delta; once", async () => {
      let now = 1_000_000;
      engine = await createEngine({ backend, now: () => now });
      const userId = await engine.addUser();
      const { task } = await engine.store.create(userId, newTask("kept"), "phone");
      await engine.database.db.update(backgroundTask).set({ status: "completed", finishedAt: now, result: { cvId: "x" } }).where(inArray(backgroundTask.id, [task.id]));
      const before = await engine.store.list(userId);
      const finished = before.tasks[0]!;

      await engine.store.delete(userId, task.id);
      const afterDelete = await engine.store.changesSince(userId, Number(before.cursor));
      expect(afterDelete.deleted).toEqual([task.id]);

      now += 5000;
      const restored = await engine.store.restore(userId, task.id, "desktop");
      expect({ ...restored, version: 0, updatedAt: 0, deviceId: null }).toEqual({ ...finished, version: 0, updatedAt: 0, deviceId: null });
      expect(restored.deviceId).toBe("desktop");
      const delta = await engine.store.changesSince(userId, Number(afterDelete.cursor));
      expect(delta.tasks.map((t) => t.id)).toEqual([task.id]);
      expect(delta.deleted).toEqual([]);
      expect((await engine.store.inputOf(userId, task.id))?.payload).toEqual({ durationMs: 5 });
      expect(await code(engine.store.restore(userId, task.id, null))).toBe("undo_expired");
    });

    it("refuses after the undo window, for another user, and for an active task that was deleted", async () => {
      let now = 1_000_000;
      engine = await createEngine({ backend, now: () => now });
      const [alice, bob] = [await engine.addUser(), await engine.addUser()];
      const late = (await engine.store.create(alice, newTask(), null)).task;
      const queued = (await engine.store.create(alice, newTask(), null)).task;
      await engine.database.db.update(backgroundTask).set({ status: "failed", finishedAt: now }).where(inArray(backgroundTask.id, [late.id]));
      await engine.store.delete(alice, late.id);
      await engine.store.delete(alice, queued.id);
      expect(await code(engine.store.restore(bob, late.id, null))).toBe("undo_expired");
      expect(await code(engine.store.restore(alice, queued.id, null))).toBe("undo_expired");
      now += TaskStore.UNDO_WINDOW_MS + 1;
      expect(await code(engine.store.restore(alice, late.id, null))).toBe("undo_expired");
      expect((await engine.store.list(alice)).tasks).toEqual([]);
    });
  });
});
