import { createAuth, resolveAuthSecret, type Auth } from "./auth/auth";
import { loadConfig, type AppConfig } from "./config";
import { openDatabase, targetFromConfig, type DatabaseHandle } from "./db/client";
import { createTaskTypes } from "./jobs";
import { llmFromConfig, type LlmClient } from "./llm/client";
import { InProcessEventBus, type TaskEventBus } from "./tasks/events";
import { TaskFeed } from "./tasks/feed";
import { TaskProcessRegistry } from "./tasks/registry";
import { TaskRunner } from "./tasks/runner";
import { TaskStore } from "./tasks/store";
import type { TaskTypes } from "./tasks/types";

/** Everything one process needs, wired once. */
export interface App {
  config: AppConfig;
  database: DatabaseHandle;
  bus: TaskEventBus;
  store: TaskStore;
  /** Task changes fanned out to push connections. */
  feed: TaskFeed;
  types: TaskTypes;
  /** Null when no LLM is configured: the jobs run offline. */
  llm: LlmClient | null;
  registry: TaskProcessRegistry;
  /** Null when this process runs no tasks (RUNNER_ENABLED=false). */
  runner: TaskRunner | null;
  auth: Auth;
  close(): Promise<void>;
}

export async function createApp(config: AppConfig): Promise<App> {
  const database = await openDatabase(targetFromConfig(config));
  const bus = new InProcessEventBus();
  const store = new TaskStore(database.db, bus, config.tasks);
  const llm = llmFromConfig(config);
  const types = createTaskTypes({ db: database.db, store, llm });
  const registry = new TaskProcessRegistry(config.tasks.killGraceMs);
  const runner = config.runnerEnabled
    ? new TaskRunner({
        store,
        bus,
        types,
        registry,
        concurrency: config.tasks.concurrency,
        perUserConcurrency: config.tasks.perUserConcurrency,
        maxAttempts: config.tasks.maxAttempts,
        progressIntervalMs: config.tasks.progressIntervalMs,
        tombstoneTtlMs: config.tasks.tombstoneTtlMs,
        soleRunner: database.kind === "pglite",
      })
    : null;
  const auth = createAuth(database.db, {
    secret: await resolveAuthSecret(database.db, config.authSecret),
    baseURL: config.authUrl,
    allowedHosts: config.authAllowedHosts,
    rateLimit: config.authRateLimit,
  });
  await runner?.start();
  return {
    config,
    database,
    bus,
    store,
    feed: new TaskFeed(bus, store),
    types,
    llm,
    registry,
    runner,
    auth,
    async close() {
      await runner?.stop();
      await database.close();
    },
  };
}

// Next.js may load this module more than once (instrumentation, each route bundle): one App per process.
const holder = globalThis as typeof globalThis & { __cvTasksApp?: Promise<App> };

export function getApp(): Promise<App> {
  holder.__cvTasksApp ??= createApp(loadConfig()).catch((err) => {
    holder.__cvTasksApp = undefined;
    throw err;
  });
  return holder.__cvTasksApp;
}
