import type { SQL } from "drizzle-orm";
import type { BackgroundTask } from "../../shared/tasks";
import { EventEmitter } from "node:events";

/** A committed change to one of a user's tasks. Small on purpose: listeners fetch data through the cursor. */
export interface TaskChangeEvent {
  userId: string;
  taskId: string;
  version: number;
  kind: "upsert" | "delete";
  /** When the change was made, just before its commit (epoch ms). */
  at?: number;
  /** The task as committed (in-process only; other processes read it). */
  task?: BackgroundTask;
  /**
   * The change may let a runner claim work: a task was queued, or a slot was freed (a task finished or
   * gave its lease back). Progress is not: runners wake only for this, never for every change.
   */
  claimable?: boolean;
}

/** A request to stop a task's work, wherever it runs. */
export interface TaskCancelEvent {
  taskId: string;
}

/**
 * Sessions ended (signed out, revoked, deleted with their user): every process drops what it cached of the
 * user's sessions and ends their push streams. Without `sessionId`, all of the user's sessions are affected.
 */
export interface SessionEndedEvent {
  userId: string;
  sessionId?: string;
}

/**
 * How the engine tells the rest of the system what happened. The in-process bus serves one process;
 * a cross-process implementation can carry the same events between instances.
 */
export interface TaskEventBus {
  publishChange(event: TaskChangeEvent): void;
  publishCancel(event: TaskCancelEvent): void;
  /** Returns the unsubscribe function. */
  onChange(listener: (event: TaskChangeEvent) => void): () => void;
  onCancel(listener: (event: TaskCancelEvent) => void): () => void;
  /** Across processes: called when notifications may have been missed, so listeners resync. */
  onResync?(listener: () => void): () => void;
  /**
   * False while changes may be missed (across processes: the LISTEN connection is down): whatever is kept
   * current by the bus (the in-memory clocks, the session cache) must not be trusted then. Absent: always true.
   */
  readonly connected?: boolean;
  /** Tells every process that sessions ended (after the change committed). */
  publishSessionEnded(event: SessionEndedEvent): void;
  onSessionEnded(listener: (event: SessionEndedEvent) => void): () => void;
  /**
   * Across processes: sends the changes and cancels from inside the transaction that makes them
   * (PostgreSQL delivers NOTIFY at commit, only if it commits); publishChange and publishCancel then only
   * deliver them locally.
   */
  notifyInTransaction?(execute: (query: SQL) => Promise<unknown>, changes: TaskChangeEvent[], cancels?: TaskCancelEvent[]): Promise<void>;
  /**
   * Across processes: a `pg_notify(…)` expression announcing a change made by the statement it is part of
   * (the user, task and version given as SQL over that statement's rows), for writes made in one statement.
   */
  changeNotifySql?(change: { userId: SQL; taskId: SQL; version: SQL; at: number; claimable?: boolean }): SQL;
}

export class InProcessEventBus implements TaskEventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open push connection subscribes: the default limit of 10 is meant for leaks, not for this.
    this.emitter.setMaxListeners(0);
  }

  publishChange(event: TaskChangeEvent) {
    this.emitter.emit("change", event);
  }

  publishCancel(event: TaskCancelEvent) {
    this.emitter.emit("cancel", event);
  }

  onChange(listener: (event: TaskChangeEvent) => void) {
    this.emitter.on("change", listener);
    return () => void this.emitter.off("change", listener);
  }

  onCancel(listener: (event: TaskCancelEvent) => void) {
    this.emitter.on("cancel", listener);
    return () => void this.emitter.off("cancel", listener);
  }

  publishSessionEnded(event: SessionEndedEvent) {
    this.emitter.emit("session", event);
  }

  onSessionEnded(listener: (event: SessionEndedEvent) => void) {
    this.emitter.on("session", listener);
    return () => void this.emitter.off("session", listener);
  }
}

// ---------- lifecycle events: what the engine did, for tests to wait on and operators to log or count ----------

interface TaskRef {
  taskId: string;
  userId: string;
}

/**
 * Every lifecycle event of the engine and its payload. Emitting costs nothing when nobody listens: the
 * default emitter of a store or runner is a plain `TaskEngineEvents` with no listener (an explicit no-op).
 */
export interface TaskEngineEventMap {
  /** A runner moved a queued task to running under its lease. */
  claimed: TaskRef & { owner: string; attempt: number };
  /** A progress write was committed. */
  progress: TaskRef & { percent: number; stage: string | null };
  completed: TaskRef & { attempt: number };
  failed: TaskRef & { attempt: number; code: string };
  /** A user's cancel was committed (the user sees `cancelled` now; the work may still be stopping). */
  cancelled: TaskRef & { wasRunning: boolean };
  /** A task's work has really stopped here (its children exited, its threads terminated). */
  stopped: TaskRef & { reason: "finished" | "cancelled" | "lease_lost" | "shutdown"; stoppingMs: number };
  /** A runner gave up its lease after the work stopped: the user's slot is free. */
  slotFreed: TaskRef & { owner: string };
  /** A runner found its lease gone (expired and taken over): its local work was aborted, nothing written. */
  leaseLost: TaskRef & { owner: string; attempt: number };
  /** A running task was put back in the queue by its runner (shutdown). */
  requeued: TaskRef & { reason: "shutdown" | "database_unavailable" };
  /** Recovery took back a task whose runner died or lost it. */
  recovered: TaskRef & { outcome: "requeued" | "failed" | "released" | "deleted" };
  /** A terminal write failed with a retryable error and is tried again. */
  writeRetried: { operation: string; taskId: string; attempt: number; error: string };
  /** A terminal write could not be made: the lease is kept, so expiry recovery takes the task back. */
  writeAbandoned: { operation: string; taskId: string; error: string };
  /** A runner loop step (claim, heartbeat, sweep) failed; the loop goes on. */
  loopError: { step: string; error: string };
  /** The LISTEN connection came back after a loss (emitted by the PostgreSQL bus). */
  listenReconnected: { downtimeMs: number };
  /** Notifications may have been missed: push clients are told to resync through their cursor. */
  resync: { reason: string };
}

export type TaskEngineEventName = keyof TaskEngineEventMap;

/** A typed emitter for the engine's lifecycle events. */
export class TaskEngineEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit<K extends TaskEngineEventName>(name: K, payload: TaskEngineEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  /** Returns the unsubscribe function. */
  on<K extends TaskEngineEventName>(name: K, listener: (payload: TaskEngineEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => void this.emitter.off(name, listener);
  }

  /** Resolves with the next event `name` whose payload passes `filter`. */
  next<K extends TaskEngineEventName>(name: K, filter: (payload: TaskEngineEventMap[K]) => boolean = () => true): Promise<TaskEngineEventMap[K]> {
    return new Promise((resolve) => {
      const off = this.on(name, (payload) => {
        if (!filter(payload)) return;
        off();
        resolve(payload);
      });
    });
  }
}

/** Whether what the bus keeps current can be trusted now (see TaskEventBus.connected). */
export function busConnected(bus: Pick<TaskEventBus, "connected">): boolean {
  return bus.connected !== false;
}
