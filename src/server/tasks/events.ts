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
}

/** A request to stop a task's work, wherever it runs. */
export interface TaskCancelEvent {
  taskId: string;
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
   * Across processes: sends the changes from inside the transaction that makes them (PostgreSQL
   * delivers NOTIFY at commit, only if it commits); publishChange then only delivers them locally.
   */
  notifyInTransaction?(execute: (query: SQL) => Promise<unknown>, changes: TaskChangeEvent[]): Promise<void>;
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
}
