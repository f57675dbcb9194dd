import { randomUUID } from "node:crypto";
import { openDatabase, type DatabaseHandle } from "@/server/db/client";
import { user } from "@/server/db/schema";
import { InProcessEventBus, type TaskChangeEvent } from "@/server/tasks/events";
import { TaskProcessRegistry } from "@/server/tasks/registry";
import { TaskRunner, type RunnerOptions } from "@/server/tasks/runner";
import { TaskStore, type StoreLimits } from "@/server/tasks/store";
import { TaskTypes, type TaskDefinition } from "@/server/tasks/types";
import type { BackgroundTask } from "@/shared/tasks";
import { createTaskTypes } from "@/server/jobs";
import { LlmClient, type LlmConfig } from "@/server/llm/client";

export interface Engine {
  database: DatabaseHandle;
  bus: InProcessEventBus;
  store: TaskStore;
  registry: TaskProcessRegistry;
  types: TaskTypes;
  events: TaskChangeEvent[];
  runner(overrides?: Partial<RunnerOptions>): TaskRunner;
  addUser(): Promise<string>;
  /** Waits until every runner of this engine has no running task. */
  runnerIdle(): Promise<void>;
  close(): Promise<void>;
}

/** The real engine on an in-memory PGlite with the real migrations. */
export async function createEngine(opts: {
  /** Task types: the test's own, or "app" for the application's real jobs. */
  types?: TaskDefinition<never>[] | "app";
  /** With types "app": the LLM the jobs use (none: offline). */
  llm?: LlmConfig;
  limits?: Partial<StoreLimits>;
  killGraceMs?: number;
} = {}): Promise<Engine> {
  const database = await openDatabase({ kind: "pglite" });
  const bus = new InProcessEventBus();
  const events: TaskChangeEvent[] = [];
  bus.onChange((e) => events.push(e));
  const store = new TaskStore(database.db, bus, { historyLimit: 100, activeLimit: 20, ...opts.limits });
  const registry = new TaskProcessRegistry(opts.killGraceMs ?? 2000);
  const types =
    opts.types === "app"
      ? createTaskTypes({ db: database.db, store, llm: opts.llm ? new LlmClient(opts.llm) : null })
      : new TaskTypes(opts.types ?? []);
  const runners: TaskRunner[] = [];
  return {
    database,
    bus,
    store,
    registry,
    types,
    events,
    runner(overrides = {}) {
      const runner = new TaskRunner({
        store,
        bus,
        types,
        registry,
        concurrency: 3,
        perUserConcurrency: 2,
        maxAttempts: 2,
        progressIntervalMs: 0,
        tombstoneTtlMs: 24 * 3600_000,
        soleRunner: true,
        log: () => {},
        ...overrides,
      });
      runners.push(runner);
      return runner;
    },
    async addUser() {
      const id = randomUUID();
      await database.db.insert(user).values({ id, name: "Test user", email: `${id}@example.test` });
      return id;
    },
    async runnerIdle() {
      for (const r of runners) await r.idle();
    },
    async close() {
      for (const r of runners) await r.stop();
      await database.close();
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 10_000, what = "condition"): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Resolves with the task once `predicate` holds, re-reading it only when the bus reports a change to it. */
export function untilTask(
  engine: Engine,
  userId: string,
  taskId: string,
  predicate: (task: BackgroundTask) => boolean,
  timeoutMs = 20_000,
): Promise<BackgroundTask> {
  return new Promise((resolve, reject) => {
    let done = false;
    const check = async () => {
      const task = await engine.store.get(userId, taskId);
      if (!done && task && predicate(task)) {
        done = true;
        off();
        clearTimeout(timer);
        resolve(task);
      }
    };
    const off = engine.bus.onChange((e) => {
      if (e.taskId === taskId) void check();
    });
    const timer = setTimeout(() => {
      off();
      if (!done) reject(new Error(`Timed out after ${timeoutMs} ms waiting for task ${taskId}`));
    }, timeoutMs);
    void check();
  });
}
