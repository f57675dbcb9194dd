import { randomUUID } from "node:crypto";
import { eq, like } from "drizzle-orm";
import { afterAll, beforeAll, expect, it, onTestFinished } from "vitest";
import { z } from "zod";
import { appSetting } from "@/server/db/schema";
import { AppError } from "@/server/errors";
import type { TaskDefinition } from "@/server/tasks/types";
import { createEngine, describeBackends, sleep, untilTask, type Engine, mulberry32 } from "../helpers/engine";

/** A random pause: none, a microtask yield, a macrotask yield, or a few ms. */
async function jitter(rand: () => number) {
  const r = rand();
  if (r < 0.25) return;
  if (r < 0.5) return Promise.resolve();
  if (r < 0.75) return new Promise((res) => setImmediate(res));
  await sleep(Math.floor(rand() * 4));
}

const payloadSchema = z.object({ seed: z.number(), mode: z.enum(["commit", "result", "fail"]) });
const rngs = new Map<string, () => number>();
type Phase = "queued" | "started" | "halfway" | "commit" | "finished";
const PHASES: Phase[] = ["queued", "started", "halfway", "commit", "finished"];
/** Called by the handler as it passes each phase; a test fires its cancel from the phase it picked. */
const phaseHooks = new Map<string, (phase: Phase) => void>();

// Completes by writing a row in the completing transaction (like a CV), or with a result only (completions
// grouped in one statement), or fails, after random pauses.
const racer: TaskDefinition<z.infer<typeof payloadSchema>> = {
  type: "racer",
  payloadSchema,
  defaultTitle: () => "racer",
  async run({ taskId, payload, progress }) {
    const rand = rngs.get(taskId) ?? mulberry32(payload.seed);
    const hook = phaseHooks.get(taskId);
    hook?.("started");
    await jitter(rand);
    progress(50, "halfway");
    hook?.("halfway");
    await jitter(rand);
    if (payload.mode === "fail") throw new Error("planned failure");
    if (payload.mode === "result") return { result: { written: false } };
    return {
      async commit(tx) {
        await tx.insert(appSetting).values({ key: `written:${taskId}`, value: "1" });
        hook?.("commit");
        await jitter(rand);
        return { written: true };
      },
    };
  },
};

/** Runs `fn` over `items` with at most `limit` in flight, keeping the results in order. */
async function boundedAll<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!, i);
      }
    }),
  );
  return results;
}

describeBackends("cancel races against completion and failure", (backend) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ backend, types: [racer as TaskDefinition<never>], limits: { activeLimit: 10_000, historyLimit: 10_000 } });
    await engine.runner({ concurrency: 16, perUserConcurrency: 16 }).start();
  });
  afterAll(() => engine.close());

  for (const mode of ["commit", "result", "fail"] as const) {
    const fail = mode === "fail";
    const what = { commit: "completion that writes rows", result: "completion with a result only", fail: "failure" }[mode];
    it(`never lets a ${what} win over an accepted cancel (400 random interleavings)`, async () => {
      const users = await Promise.all([1, 2, 3, 4].map(() => engine.addUser()));
      // At most 24 interleavings in flight: enough to contend, bounded for a loaded 2-core machine.
      const outcomes = await boundedAll(
        Array.from({ length: 400 }, (_, i) => i),
        24,
        async (i) => {
          const seed = { commit: 0, result: 200_000, fail: 100_000 }[mode] + i;
          const rand = mulberry32(seed);
          const id = randomUUID();
          rngs.set(id, mulberry32(seed * 7919));
          const userId = users[i % users.length]!;
          const cancelPhase = PHASES[Math.floor(rand() * PHASES.length)]!;
          const tryCancel = async () => {
            await jitter(rand);
            try {
              const task = await engine.store.cancel(userId, id, "device-b");
              return task.status === "cancelled";
            } catch (err) {
              expect(err).toBeInstanceOf(AppError);
              expect((err as AppError).status).toBe(409);
              return false;
            }
          };
          let cancel: Promise<boolean> | undefined;
          phaseHooks.set(id, (phase) => {
            if (phase === cancelPhase) cancel = tryCancel(); // not awaited: it races the handler
          });
          await engine.store.create(userId, { id, type: "racer", title: "r", payload: { seed, mode } }, null);
          if (cancelPhase === "queued") cancel = tryCancel();
          if (cancelPhase === "finished") {
            await untilTask(engine, userId, id, (t) => t.status === "completed" || t.status === "failed");
            cancel = tryCancel();
          }
          await untilTask(engine, userId, id, (t) => t.status !== "queued" && t.status !== "running");
          cancel ??= tryCancel(); // a phase this task never reached (e.g. "commit" for a failing one)
          return { id, userId, cancelPhase, cancelAccepted: await cancel };
        },
      );

      await engine.runnerIdle();
      const written = new Set(
        (await engine.database.db.select().from(appSetting).where(like(appSetting.key, "written:%"))).map((r) => r.key.slice(8)),
      );

      let cancelled = 0;
      for (const o of outcomes) {
        const task = (await engine.store.get(o.userId, o.id))!;
        if (o.cancelAccepted) {
          cancelled++;
          expect(task.status).toBe("cancelled");
          expect(task.result).toBeNull();
          expect(task.error).toBeNull();
          expect(written.has(o.id)).toBe(false);
        } else {
          expect(task.status).toBe(fail ? "failed" : "completed");
          expect(written.has(o.id)).toBe(mode === "commit");
          if (!fail) expect(task.result).toEqual({ written: mode === "commit" });
        }
        if (task.status !== "completed") expect(written.has(o.id)).toBe(false);
      }
      // The interleavings really were mixed: cancels landed in every phase, and both outcomes happened often.
      for (const phase of PHASES) expect(outcomes.filter((o) => o.cancelPhase === phase).length).toBeGreaterThan(40);
      expect(cancelled).toBeGreaterThan(80);
      expect(outcomes.length - cancelled).toBeGreaterThan(80);
    }, 300_000);
  }

  it("keeps a terminal status final: a cancelled task cannot be completed, failed or re-queued", async () => {
    // An engine with no runner: the suite's runner would otherwise claim and finish the task before the cancel.
    const engine = await createEngine({ backend, types: [racer as TaskDefinition<never>] });
    onTestFinished(() => engine.close());
    const userId = await engine.addUser();
    const id = randomUUID();
    await engine.store.create(userId, { id, type: "racer", title: "r", payload: { seed: 1, mode: "commit" } }, null);
    const cancelled = await engine.store.cancel(userId, id, null);
    const fence = { taskId: id, userId, owner: "anyone", attempt: cancelled.attempts };
    expect(await engine.store.complete(fence, { result: { late: true } })).toBe(false);
    expect(await engine.store.fail(fence, { code: "x", message: "late" })).toBe(false);
    expect(await engine.store.reportProgress(fence, 99, "late")).toBe(false);
    const after = (await engine.store.get(userId, id))!;
    expect(after).toMatchObject({ status: "cancelled", result: null, error: null });
    expect(
      await engine.database.db.select().from(appSetting).where(eq(appSetting.key, `written:${id}`)),
    ).toHaveLength(0);
  });

  it("completes tasks that finish together in one go, each under its own fence, and every device's delta sees each one", async () => {
    const engine = await createEngine({ backend, types: [racer as TaskDefinition<never>] });
    onTestFinished(() => engine.close());
    const users = [await engine.addUser(), await engine.addUser()];
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const id = randomUUID();
      ids.push(id);
      await engine.store.create(users[i % 2]!, { id, type: "racer", title: "r", payload: { seed: i, mode: "result" } }, null);
    }
    const cursors = await Promise.all(users.map(async (u) => Number((await engine.store.list(u)).cursor)));
    const rows: Awaited<ReturnType<Engine["store"]["claim"]>> = [];
    while (rows.length < ids.length) rows.push(...(await engine.store.claim("w", 10, 30_000, 0, [], 8)));
    const [cancelled, stale] = [rows[0]!, rows[1]!];
    await engine.store.cancel(cancelled.userId, cancelled.id, null);
    // Issued together: the first goes at once, the others share the next statement.
    const outcomes = await Promise.all(
      rows.map((r) => engine.store.complete({ taskId: r.id, userId: r.userId, owner: "w", attempt: r === stale ? r.attempts + 1 : r.attempts }, { result: { id: r.id } })),
    );
    expect(outcomes).toEqual(rows.map((r) => r !== cancelled && r !== stale));
    for (const r of rows) {
      const task = (await engine.store.get(r.userId, r.id))!;
      if (r === cancelled) expect(task).toMatchObject({ status: "cancelled", result: null });
      else if (r === stale) expect(task).toMatchObject({ status: "running", result: null });
      else expect(task).toMatchObject({ status: "completed", progress: 100, result: { id: r.id } });
    }
    for (const [i, u] of users.entries()) {
      const delta = await engine.store.changesSince(u, cursors[i]!);
      const seen = new Map(delta.tasks.map((t) => [t.id, t.status]));
      for (const r of rows.filter((r) => r.userId === u)) expect(seen.get(r.id)).toBe(r === cancelled ? "cancelled" : r === stale ? "running" : "completed");
    }
  });
});
