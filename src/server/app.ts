import os from "node:os";
import path from "node:path";
import { createAuth, resolveAuthSecret, type Auth } from "./auth/auth";
import { loadConfig, type AppConfig } from "./config";
import { openDatabase, targetFromConfig, type DatabaseHandle } from "./db/client";
import { createTaskTypes } from "./jobs";
import { llmFromConfig, type LlmClient } from "./llm/client";
import { sql } from "drizzle-orm";
import { InProcessEventBus, TaskEngineEvents, type TaskEventBus } from "./tasks/events";
import { PostgresEventBus } from "./tasks/pg-bus";
import { liveSessionIds } from "./auth/sessions";
import { SessionCache } from "./auth/session-cache";
import { UserClocks } from "./tasks/user-clocks";
import { PushStreams } from "./tasks/event-stream";
import { TaskFeed } from "./tasks/feed";
import { TaskProcessRegistry } from "./tasks/registry";
import { TaskRunner } from "./tasks/runner";
import { TaskStore } from "./tasks/store";
import { InputFileDirectory } from "./tasks/input-files";
import type { TaskTypes } from "./tasks/types";

/** Everything one process needs, wired once. */
export interface App {
  config: AppConfig;
  database: DatabaseHandle;
  bus: TaskEventBus;
  store: TaskStore;
  /** Lifecycle events of the bus, store and runner (claimed, completed, leaseLost, listenReconnected…). */
  events: TaskEngineEvents;
  /** Task changes fanned out to push connections. */
  feed: TaskFeed;
  /** The open push streams and their bounds. */
  push: PushStreams;
  types: TaskTypes;
  /** Where uploads are written as they stream in, before their task takes them over (see input-files.ts). */
  uploads: InputFileDirectory;
  /** Null when no LLM is configured: the jobs run offline. */
  llm: LlmClient | null;
  registry: TaskProcessRegistry;
  /** Null when this process runs no tasks (RUNNER_ENABLED=false). */
  runner: TaskRunner | null;
  auth: Auth;
  /** Sessions kept in memory, dropped everywhere through the bus when they end. */
  sessions: SessionCache;
  /** Each user's task clock in memory, kept current by the bus: idle polls touch no database. */
  clocks: UserClocks;
  /** Stops the runner (giving running tasks `graceMs` to finish), then closes the connections. */
  close(graceMs?: number): Promise<void>;
  /** What close() is doing (null before it is called), for a shutdown that hangs. */
  readonly closing: string | null;
}

export async function createApp(config: AppConfig): Promise<App> {
  const database = await openDatabase(targetFromConfig(config));
  // One lifecycle emitter for the bus, the store and the runner: operators and tests listen in one place.
  const events = new TaskEngineEvents();
  const bus: TaskEventBus =
    database.kind === "postgres"
      ? new PostgresEventBus(database.url!, (channel, payload) => database.db.execute(sql`select pg_notify(${channel}, ${payload})`), undefined, events)
      : new InProcessEventBus();
  let runner: TaskRunner | null = null;
  let push: PushStreams | null = null;
  const state = { closing: null as string | null };
  const close = async (graceMs = 0) => {
    state.closing = "closing the push streams";
    push?.stop();
    state.closing = "stopping the runner";
    await runner?.stop(graceMs);
    state.closing = "closing the LISTEN connection";
    if (bus instanceof PostgresEventBus) await bus.stop();
    state.closing = "closing the database";
    await database.close();
    state.closing = "closed";
  };
  // A start that fails half-way (the server went away meanwhile) leaves nothing open behind it.
  try {
    if (bus instanceof PostgresEventBus) await bus.start();
    const store = new TaskStore(database.db, bus, config.tasks, Date.now, events);
    const clocks = new UserClocks(bus);
    store.useClocks(clocks);
    // The embedded database runs on this event loop: uploaded files stay out of it (see input-files.ts).
    // With PostgreSQL, uploads are staged in a directory of this process's own until they go in the database.
    const uploads = new InputFileDirectory(database.kind === "pglite" ? path.join(config.dataDir, "input-files") : path.join(os.tmpdir(), `cv-tasks-uploads-${process.pid}`));
    if (database.kind === "pglite") await store.keepInputFilesIn(uploads);
    else await uploads.sweep(async () => new Set());
    const llm = llmFromConfig(config);
    const types = createTaskTypes({ db: database.db, store, llm });
    const registry = new TaskProcessRegistry(config.tasks.killGraceMs);
    runner = config.runnerEnabled
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
          globalConcurrency: config.tasks.globalConcurrency,
          leaseMs: config.tasks.leaseMs,
          heartbeatMs: config.tasks.heartbeatMs,
          shutdownGraceMs: config.tasks.shutdownGraceMs,
          events,
        })
      : null;
    const auth = createAuth(database.db, {
      secret: await resolveAuthSecret(database.db, config.authSecret),
      baseURL: config.authUrl,
      allowedHosts: config.authAllowedHosts,
      rateLimit: config.authRateLimit,
      onSessionEnded: (e) => bus.publishSessionEnded(e),
    });
    const sessions = new SessionCache(auth, bus);
    await runner?.start();
    const feed = new TaskFeed(bus, store);
    push = new PushStreams({ feed, store, limits: config.push, liveSessions: (ids) => liveSessionIds(database.db, ids) });
    const streams = push;
    bus.onSessionEnded((e) => streams.sessionsEnded(e));
    return {
      config,
      database,
      bus,
      store,
      events,
      feed,
      push,
      types,
      uploads,
      llm,
      registry,
      runner,
      auth,
      sessions,
      clocks,
      close,
      get closing() {
        return state.closing;
      },
    };
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
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
