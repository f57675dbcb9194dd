/**
 * What only a real server can contend: several processes (here, several connection pools in one test
 * process) writing, polling and claiming at once. PGlite runs one transaction at a time, so these run on
 * PostgreSQL only (TEST_DATABASE_URL).
 */
import { randomUUID } from "node:crypto";
import { afterEach, expect, it } from "vitest";
import { z } from "zod";
import { applySync, type LocalTask } from "@/client/task-sync/merge";
import { AppError } from "@/server/errors";
import type { TaskContext, TaskDefinition } from "@/server/tasks/types";
import { createEngine, describeBackends, sleep, type Engine, mulberry32 } from "../helpers/engine";

let engine: Engine;
afterEach(() => engine?.close());

describeBackends(
  "concurrent processes",
  (backend) => {
    it("a device polling with the real client merge ends equal to the server while three writers create, cancel, delete and purge under a small history cap", async () => {
      engine = await createEngine({ backend, limits: { historyLimit: 12, activeLimit: 8 } });
      const userId = await engine.addUser();
      const writers = [engine, await engine.node({ poolSize: 4 }), await engine.node({ poolSize: 4 })];
      // The device's server reads over a slow network (3 ms per query): a read split over several statements has room to be overtaken.
      const device = await engine.node({ poolSize: 3, latencyMs: 3 });
      const until = Date.now() + 8000;
      const known: string[] = [];
      const counts = { create: 0, cancel: 0, delete: 0, purge: 0, refused: 0 };

      const write = async (w: number) => {
        const rand = mulberry32(1000 + w);
        const { store } = writers[w]!;
        while (Date.now() < until) {
          const r = rand();
          const recent = known.slice(-10); // mostly tasks that still exist
          const pick = () => recent[Math.floor(rand() * recent.length)];
          try {
            if (r < 0.4) {
              const id = randomUUID();
              await store.create(userId, { id, type: "noop", title: "t", payload: {} }, `w${w}`);
              known.push(id);
              counts.create++;
            } else if (r < 0.7) {
              const id = pick();
              if (id) await store.cancel(userId, id, `w${w}`);
              counts.cancel++;
            } else if (r < 0.9) {
              const id = pick();
              if (id) await store.delete(userId, id);
              counts.delete++;
            } else {
              await store.purge(userId, rand() < 0.5 ? undefined : known.slice(-3));
              counts.purge++;
            }
          } catch (err) {
            if (!(err instanceof AppError)) throw err; // 404 (deleted meanwhile), 409, 429: expected refusals
            counts.refused++;
          }
        }
      };

      let local = new Map<string, LocalTask>();
      let cursor: string | null = null;
      let polls = 0;
      const poll = async () => {
        const res = cursor === null ? await device.store.list(userId) : await device.store.changesSince(userId, Number(cursor));
        local = applySync(local, res);
        cursor = res.cursor;
        polls++;
      };
      const pollLoop = async () => {
        while (Date.now() < until) await poll();
      };

      await Promise.all([write(0), write(1), write(2), pollLoop()]);
      await poll(); // the last changes

      const server = await engine.store.list(userId);
      const view = (tasks: Iterable<LocalTask>) =>
        [...tasks].map((t) => `${t.id}:${t.status}:${t.version}`).sort();
      expect(view(local.values())).toEqual(view(server.tasks));
      // The run really contended: every operation happened many times, and the cap evicted tasks.
      expect(counts.create).toBeGreaterThan(100);
      expect(counts.delete + counts.purge).toBeGreaterThan(30);
      expect(polls).toBeGreaterThan(50);
      expect(known.length).toBeGreaterThan(server.tasks.length + 50);
    }, 60_000);

    it("holds the per-user limit across two runners on separate pools that both really run tasks", async () => {
      const running = new Map<string, number>();
      let maxPerUser = 0;
      const work = async (ctx: TaskContext<Record<string, unknown>>) => {
        const now = (running.get(ctx.userId) ?? 0) + 1;
        running.set(ctx.userId, now);
        maxPerUser = Math.max(maxPerUser, now);
        try {
          await sleep(5 + Math.floor(Math.random() * 30));
        } finally {
          running.set(ctx.userId, running.get(ctx.userId)! - 1);
        }
        return { result: null };
      };
      const job = { type: "job", payloadSchema: z.object({}).passthrough(), defaultTitle: () => "job", run: work } as unknown as TaskDefinition<never>;
      engine = await createEngine({ backend, types: [job], limits: { activeLimit: 100 } });
      const second = await engine.node({ poolSize: 5 });
      // As NOTIFY does between processes: each one hears the other's "work is claimable" (and both wake at once).
      for (const [from, to] of [[engine, second], [second, engine]] as const) {
        from.bus.onChange((e) => {
          if (e.claimable && e.task) to.bus.publishChange({ ...e, task: undefined });
        });
      }
      const ranBy = new Map<string, number>();
      for (const node of [engine, second]) node.events.on("claimed", (e) => ranBy.set(e.owner, (ranBy.get(e.owner) ?? 0) + 1));
      const users = await Promise.all([1, 2, 3].map(() => engine.addUser()));
      const ids: [string, string][] = [];
      // Every queue is deep before the runners start, so that a broken limit would show.
      for (const userId of users) {
        const tasks = Array.from({ length: 30 }, () => ({ id: randomUUID(), type: "job", title: "job", payload: {} }));
        await engine.store.createMany(userId, tasks, null);
        for (const t of tasks) ids.push([userId, t.id]);
      }
      const options = { concurrency: 4, perUserConcurrency: 2, pollMs: 20 };
      await Promise.all([engine.runner({ ...options, ownerId: "worker-1" }).start(), second.runner({ ...options, ownerId: "worker-2" }).start()]);
      for (const [userId, id] of ids) {
        for (;;) {
          const task = await engine.store.get(userId, id);
          if (task?.status === "completed") break;
          // The next completion on either runner (or a re-check, should it land between the read and the wait).
          await Promise.race([engine.events.next("completed"), second.events.next("completed"), sleep(500)]);
        }
      }
      expect(ranBy.get("worker-1") ?? 0).toBeGreaterThan(5);
      expect(ranBy.get("worker-2") ?? 0).toBeGreaterThan(5);
      expect(maxPerUser).toBe(2);
    }, 120_000);
  },
  ["postgres"],
);
