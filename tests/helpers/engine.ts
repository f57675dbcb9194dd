import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { describe } from "vitest";
import { openDatabase, type Database, type DatabaseHandle } from "@/server/db/client";
import * as schema from "@/server/db/schema";
import { user } from "@/server/db/schema";
import { InProcessEventBus, TaskEngineEvents, type TaskChangeEvent } from "@/server/tasks/events";
import { TaskProcessRegistry } from "@/server/tasks/registry";
import { TaskRunner, type RunnerOptions } from "@/server/tasks/runner";
import { TaskStore, type StoreLimits } from "@/server/tasks/store";
import { TaskTypes, type TaskDefinition } from "@/server/tasks/types";
import type { BackgroundTask } from "@/shared/tasks";
import { createTaskTypes } from "@/server/jobs";
import { LlmClient, type LlmConfig } from "@/server/llm/client";

export type Backend = "pglite" | "postgres";

/** One process's view of the engine: its own pool, bus, registry and runners (as one worker would have). */
export interface EngineNode {
  bus: InProcessEventBus;
  store: TaskStore;
  registry: TaskProcessRegistry;
  events: TaskEngineEvents;
  runner(overrides?: Partial<RunnerOptions>): TaskRunner;
}

export interface Engine extends EngineNode {
  backend: Backend;
  database: DatabaseHandle;
  types: TaskTypes;
  events: TaskEngineEvents;
  changes: TaskChangeEvent[];
  /** Another process on the same database (PostgreSQL: its own connection pool). */
  node(opts?: { poolSize?: number; latencyMs?: number }): Promise<EngineNode>;
  addUser(): Promise<string>;
  /** Waits until every runner of this engine has no running task. */
  runnerIdle(): Promise<void>;
  close(): Promise<void>;
}

/** The PostgreSQL server for the engine suites, when there is one (TEST_DATABASE_URL). */
export const PG_URL = process.env.TEST_DATABASE_URL;
const ONLY = process.env.ENGINE_BACKENDS?.split(",").map((b) => b.trim()) as Backend[] | undefined;
if (ONLY?.includes("postgres") && !PG_URL) {
  throw new Error("The engine suites on PostgreSQL need TEST_DATABASE_URL (e.g. postgres://cv_tasks:cv_tasks@127.0.0.1:5432/cv_tasks_test).");
}

/** The backends the engine suites run on: PGlite, and PostgreSQL when TEST_DATABASE_URL is set. */
export const BACKENDS: Backend[] = ONLY ?? ["pglite", "postgres"];

let skipNoticeShown = false;

/**
 * Runs `fn` once per backend. Without TEST_DATABASE_URL the PostgreSQL variant is skipped, saying why.
 * Concurrency is only real on PostgreSQL: PGlite runs one transaction at a time.
 */
export function describeBackends(title: string, fn: (backend: Backend) => void, backends: Backend[] = BACKENDS) {
  for (const backend of backends.filter((b) => BACKENDS.includes(b))) {
    if (backend === "postgres" && !PG_URL) {
      if (!skipNoticeShown) {
        skipNoticeShown = true;
        console.warn("[engine] PostgreSQL variants skipped: TEST_DATABASE_URL is not set (npm run test:engine-pg runs them).");
      }
      describe.skip(`${title} [postgres: skipped, set TEST_DATABASE_URL to run it]`, () => fn(backend));
    } else {
      describe(`${title} [${backend}]`, () => fn(backend));
    }
  }
}

/** The real migrations, applied to a fresh schema of their own (each engine is isolated). */
async function freshSchema(url: string): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `engine_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create schema "${name}"`);
    await admin.query(`set search_path to "${name}"`);
    const dir = path.resolve("drizzle");
    const journal = JSON.parse(fs.readFileSync(path.join(dir, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
    for (const { tag } of journal.entries) {
      const text = fs.readFileSync(path.join(dir, `${tag}.sql`), "utf8").replaceAll('"public".', `"${name}".`);
      for (const statement of text.split("--> statement-breakpoint")) if (statement.trim()) await admin.query(statement);
    }
  } finally {
    await admin.end();
  }
  return {
    name,
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema if exists "${name}" cascade`);
      await c.end();
    },
  };
}

/** The real engine with the real migrations: on an in-memory PGlite, or on a fresh schema of a PostgreSQL server. */
export async function createEngine(opts: {
  backend?: Backend;
  /** Task types: the test's own, or "app" for the application's real jobs. */
  types?: TaskDefinition<never>[] | "app";
  /** With types "app": the LLM the jobs use (none: offline). */
  llm?: LlmConfig;
  limits?: Partial<StoreLimits>;
  /** The store's clock (default Date.now): a test can move it past a time window. */
  now?: () => number;
  killGraceMs?: number;
  poolSize?: number;
} = {}): Promise<Engine> {
  const backend = opts.backend ?? "pglite";
  const limits = { historyLimit: 100, activeLimit: 20, ...opts.limits };
  const pools: pg.Pool[] = [];
  let database: DatabaseHandle;
  let openPool: ((size: number, latencyMs?: number) => Database) | null = null;
  let dropSchema = async () => {};
  if (backend === "pglite") {
    database = await openDatabase({ kind: "pglite" });
  } else {
    if (!PG_URL) throw new Error("TEST_DATABASE_URL is not set");
    const fresh = await freshSchema(PG_URL);
    dropSchema = fresh.drop;
    openPool = (size, latencyMs = 0) => {
      const pool = new pg.Pool({ connectionString: PG_URL, max: size, options: `-c search_path="${fresh.name}"` });
      pool.on("error", () => {});
      // A jittery network: each query waits 0 to 2 × latencyMs before it is sent, as from another machine.
      if (latencyMs > 0) {
        pool.on("connect", (client) => {
          const send = client.query.bind(client) as (...args: unknown[]) => unknown;
          (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
            const wait = Math.random() * 2 * latencyMs;
            return typeof args[args.length - 1] === "function"
              ? void setTimeout(() => send(...args), wait)
              : new Promise((r) => setTimeout(r, wait)).then(() => send(...args));
          };
        });
      }
      pools.push(pool);
      return drizzle(pool, { schema }) as unknown as Database;
    };
    database = { db: openPool(opts.poolSize ?? 10), kind: "postgres", url: PG_URL, close: async () => {} };
  }

  const runners: TaskRunner[] = [];
  const changes: TaskChangeEvent[] = [];
  const typesOf: { types?: TaskTypes } = {}; // set once the main store exists (the app's jobs need it)
  const makeNode = (db: Database): EngineNode => {
    const bus = new InProcessEventBus();
    bus.onChange((e) => changes.push(e));
    const events = new TaskEngineEvents();
    const store = new TaskStore(db, bus, limits, opts.now ?? Date.now, events);
    const registry = new TaskProcessRegistry(opts.killGraceMs ?? 2000);
    return {
      bus,
      store,
      registry,
      events,
      runner(overrides = {}) {
        const runner = new TaskRunner({
          store,
          bus,
          types: typesOf.types!,
          registry,
          concurrency: 3,
          perUserConcurrency: 2,
          maxAttempts: 2,
          progressIntervalMs: 0,
          tombstoneTtlMs: 24 * 3600_000,
          soleRunner: backend === "pglite",
          pollMs: 200,
          log: () => {},
          ...overrides,
        });
        runners.push(runner);
        return runner;
      },
    };
  };
  const main = makeNode(database.db);
  const types =
    opts.types === "app"
      ? createTaskTypes({ db: database.db, store: main.store, llm: opts.llm ? new LlmClient(opts.llm) : null })
      : new TaskTypes(opts.types ?? []);
  typesOf.types = types;
  return {
    ...main,
    backend,
    database,
    types,
    changes,
    async node(nodeOpts = {}) {
      return makeNode(openPool ? openPool(nodeOpts.poolSize ?? 10, nodeOpts.latencyMs) : database.db);
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
      for (const r of runners) await r.stop(0);
      await database.close();
      for (const pool of pools) await pool.end();
      await dropSchema();
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

/** Deterministic PRNG so that a run can be replayed from its seed. */
export function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
