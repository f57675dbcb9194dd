import { randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { setTimeout as sleepAbortable } from "node:timers/promises";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { backgroundTask } from "@/server/db/schema";
import type { TaskContext, TaskDefinition } from "@/server/tasks/types";
import { createEngine, sleep, untilTask, waitFor, type Engine } from "../helpers/engine";

let engine: Engine;
afterEach(() => engine?.close());

const fixture = (name: string) => path.resolve("tests/fixtures", name);
const anyPayload = z.object({}).passthrough();

/** A task type whose run is given by the test. */
function define(type: string, run: (ctx: TaskContext<Record<string, unknown>>) => Promise<unknown>): TaskDefinition<never> {
  return {
    type,
    payloadSchema: anyPayload,
    defaultTitle: () => type,
    run: async (ctx: TaskContext<Record<string, unknown>>) => ({ result: await run(ctx) }),
  } as unknown as TaskDefinition<never>;
}

const create = (e: Engine, userId: string, type: string, payload: object = {}) =>
  e.store.create(userId, { id: randomUUID(), type, title: type, payload }, "dev").then((r) => r.task.id);

describe("restart recovery", () => {
  it("re-queues a task left running once, fails it after that, and nothing stays running", async () => {
    const ran: string[] = [];
    engine = await createEngine({ types: [define("job", async (ctx) => void ran.push(ctx.taskId))] });
    const userId = await engine.addUser();
    const firstRun = await create(engine, userId, "job");
    const secondRun = await create(engine, userId, "job");
    // As a dead process left them: running, leased, with 1 and 2 attempts used.
    await engine.database.db.update(backgroundTask).set({ status: "running", attempts: 1, leaseOwner: "dead", leaseExpiresAt: Date.now() + 60_000 }).where(eq(backgroundTask.id, firstRun));
    await engine.database.db.update(backgroundTask).set({ status: "running", attempts: 2, leaseOwner: "dead", leaseExpiresAt: Date.now() + 60_000 }).where(eq(backgroundTask.id, secondRun));

    await engine.runner({ maxAttempts: 2, soleRunner: true }).start();
    const requeued = await untilTask(engine, userId, firstRun, (t) => t.status === "completed");
    expect(requeued.attempts).toBe(2);
    expect(ran).toEqual([firstRun]);
    const failed = (await engine.store.get(userId, secondRun))!;
    expect(failed.status).toBe("failed");
    expect(failed.error).toEqual({ code: "interrupted", message: "The task was interrupted by a server restart." });
    const running = await engine.database.db.select().from(backgroundTask).where(eq(backgroundTask.status, "running"));
    expect(running).toEqual([]);
  });
});

describe("scheduling", () => {
  it("starts tasks in FIFO order under the global limit (3) and the per-user limit (2)", async () => {
    const gates = new Map<string, () => void>();
    const started: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const perUser = new Map<string, number>();
    let maxPerUser = 0;
    engine = await createEngine({
      types: [
        define("gate", async (ctx) => {
          started.push(ctx.taskId);
          running++;
          perUser.set(ctx.userId, (perUser.get(ctx.userId) ?? 0) + 1);
          maxRunning = Math.max(maxRunning, running);
          maxPerUser = Math.max(maxPerUser, ...perUser.values());
          await new Promise<void>((r) => gates.set(ctx.taskId, r));
          running--;
          perUser.set(ctx.userId, perUser.get(ctx.userId)! - 1);
        }),
      ],
    });
    const [a, b, c] = [await engine.addUser(), await engine.addUser(), await engine.addUser()];
    const order: string[] = [];
    for (const u of [a, a, a, b, b, c, a]) order.push(await create(engine, u, "gate"));
    await engine.runner({ concurrency: 3, perUserConcurrency: 2 }).start();

    await waitFor(() => started.length === 3);
    await sleep(100);
    // a's third task waits for a slot of a's: b's first goes ahead of it.
    expect(started).toEqual([order[0], order[1], order[3]]);
    while (started.length < order.length) {
      const open = [...gates.entries()].find(([id]) => started.includes(id))!;
      gates.delete(open[0]);
      const before = started.length;
      open[1]();
      await waitFor(() => started.length > before || started.length === order.length, 5000);
    }
    for (const release of gates.values()) release();
    await engine.runnerIdle();
    expect(maxRunning).toBe(3);
    expect(maxPerUser).toBe(2);
    // FIFO among the tasks that could run: each user's tasks started in creation order.
    for (const u of [a, b, c]) {
      const mine = order.filter((_, i) => [a, a, a, b, b, c, a][i] === u);
      expect(started.filter((id) => mine.includes(id))).toEqual(mine);
    }
  });

  it("frees a cancelled task's slot only once its handler has really stopped", async () => {
    let stubbornDone = false;
    const started: string[] = [];
    engine = await createEngine({
      types: [
        // Ignores its signal for 400 ms, as badly written work might.
        define("stubborn", async (ctx) => {
          started.push(ctx.taskId);
          await sleep(400);
          stubbornDone = true;
        }),
        define("next", async (ctx) => void started.push(ctx.taskId)),
      ],
    });
    const userId = await engine.addUser();
    const stubborn = await create(engine, userId, "stubborn");
    await engine.runner({ concurrency: 3, perUserConcurrency: 1 }).start();
    await waitFor(() => started.length === 1);
    const next = await create(engine, userId, "next");

    const cancelled = await engine.store.cancel(userId, stubborn, "dev");
    expect(cancelled.status).toBe("cancelled"); // at once, in the same compare-and-set
    await sleep(150);
    expect(started).toEqual([stubborn]); // the slot is still taken
    await untilTask(engine, userId, next, (t) => t.status === "completed");
    expect(stubbornDone).toBe(true);
    expect((await engine.store.get(userId, stubborn))!.status).toBe("cancelled");
  });
});

describe("process registry", () => {
  it("passes an AbortSignal that fires on cancel, and discards what the handler returns afterwards", async () => {
    let aborted = false;
    engine = await createEngine({
      types: [
        define("listens", async (ctx) => {
          ctx.signal.addEventListener("abort", () => (aborted = true));
          await sleepAbortable(10_000, undefined, { signal: ctx.signal }).catch(() => {});
          return { shouldNotBeStored: true }; // returned after the cancel
        }),
      ],
    });
    const userId = await engine.addUser();
    await engine.runner().start();
    const id = await create(engine, userId, "listens");
    await untilTask(engine, userId, id, (t) => t.status === "running");
    const t0 = Date.now();
    await engine.store.cancel(userId, id, "dev");
    await waitFor(() => aborted, 2000);
    expect(Date.now() - t0).toBeLessThan(1000);
    await engine.runnerIdle();
    expect(await engine.store.get(userId, id)).toMatchObject({ status: "cancelled", result: null });
    expect(engine.registry.has(id)).toBe(false);
  });

  it("SIGKILLs a child process that ignores SIGTERM after the grace period", async () => {
    engine = await createEngine({
      killGraceMs: 500,
      types: [
        define("child", (ctx) =>
          ctx.runChild(process.execPath, ["-e", "process.on('SIGTERM', () => console.log('ignored SIGTERM')); console.log('ready'); setInterval(() => {}, 1000)"]),
        ),
      ],
    });
    const userId = await engine.addUser();
    await engine.runner().start();
    const id = await create(engine, userId, "child");
    const child = await waitFor(() => [...(engine.registry.get(id)?.children ?? [])][0]);
    await new Promise<void>((r) => child.stdout!.once("data", () => r())); // its SIGTERM handler is installed
    const exit = new Promise<{ signal: string | null; at: number }>((r) => child.once("exit", (_c, signal) => r({ signal, at: Date.now() })));

    const t0 = Date.now();
    const cancelled = await engine.store.cancel(userId, id, "dev");
    expect(cancelled.status).toBe("cancelled");
    await sleep(250);
    expect(isAlive(child.pid!)).toBe(true); // SIGTERM was ignored; still inside the grace period
    const { signal, at } = await exit;
    expect(signal).toBe("SIGKILL");
    expect(at - t0).toBeGreaterThanOrEqual(450);
    expect(at - t0).toBeLessThan(5000);
    expect(isAlive(child.pid!)).toBe(false);
  });

  it("a child that honours SIGTERM stops at once, without waiting for the grace period", async () => {
    engine = await createEngine({
      killGraceMs: 10_000,
      types: [define("child", (ctx) => ctx.runChild(process.execPath, ["-e", "console.log('ready'); setInterval(() => {}, 1000)"]))],
    });
    const userId = await engine.addUser();
    await engine.runner().start();
    const id = await create(engine, userId, "child");
    const child = await waitFor(() => [...(engine.registry.get(id)?.children ?? [])][0]);
    await new Promise<void>((r) => child.stdout!.once("data", () => r()));
    const exit = new Promise<string | null>((r) => child.once("exit", (_c, signal) => r(signal)));
    const t0 = Date.now();
    await engine.store.cancel(userId, id, "dev");
    expect(await exit).toBe("SIGTERM");
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("terminates a worker thread stuck in a busy loop, without waiting for it", async () => {
    let handlerSettledAt = 0;
    engine = await createEngine({
      types: [
        define("busy", async (ctx) => {
          try {
            await ctx.runWorker(fixture("busy-worker.mjs"));
          } finally {
            handlerSettledAt = Date.now();
          }
        }),
      ],
    });
    const userId = await engine.addUser();
    await engine.runner().start();
    const id = await create(engine, userId, "busy");
    const worker = await waitFor(() => [...(engine.registry.get(id)?.workers ?? [])][0]);
    await new Promise<void>((r) => worker.once("message", () => r())); // it is spinning now
    const exited = new Promise<number>((r) => worker.once("exit", () => r(Date.now())));

    const t0 = Date.now();
    await engine.store.cancel(userId, id, "dev");
    const exitAt = await exited;
    await engine.runnerIdle();
    expect(exitAt - t0).toBeLessThan(1000);
    expect(handlerSettledAt - t0).toBeLessThan(1000);
    expect((await engine.store.get(userId, id))!.status).toBe("cancelled");
  });

  it("fails a worker that runs out of its memory limit or its time limit, and the host survives", async () => {
    engine = await createEngine({
      types: [
        define("greedy", (ctx) => ctx.runWorker(fixture("greedy-worker.mjs"), { resourceLimits: { maxOldGenerationSizeMb: 32 } })),
        define("slow", (ctx) => ctx.runWorker(fixture("busy-worker.mjs"), { timeoutMs: 300 })),
      ],
    });
    const userId = await engine.addUser();
    await engine.runner().start();
    const greedy = await create(engine, userId, "greedy");
    const slow = await create(engine, userId, "slow");
    const g = await untilTask(engine, userId, greedy, (t) => t.status === "failed");
    const s = await untilTask(engine, userId, slow, (t) => t.status === "failed");
    expect(g.error?.code).toBe("out_of_memory");
    expect(s.error).toEqual({ code: "timeout", message: expect.stringMatching(/longer than/) });
  });
});

function isAlive(pid: number): boolean {
  // A zombie still answers kill(0): ask ps for the state too.
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const state = spawnSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).stdout.trim();
  return state !== "" && !state.startsWith("Z");
}
