import type { TaskChangeEvent, TaskEventBus } from "./events";
import type { TaskStore } from "./store";

/** One change, ready to send: the Server-Sent Events frame is encoded once for all connections. */
export interface TaskFeedItem {
  event: TaskChangeEvent;
  frame: Uint8Array;
}

const encoder = new TextEncoder();

/** The SSE frame of a change: its id is the version, its data the task as it is now (null when deleted). */
export function taskFrame(event: TaskChangeEvent): Uint8Array {
  const data = { taskId: event.taskId, version: event.version, kind: event.kind, at: event.at, task: event.kind === "upsert" ? (event.task ?? null) : null };
  return encoder.encode(`id: ${event.version}\nevent: task\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * Fans the bus's changes out to the push connections of each user, in commit order. A change is
 * serialised once however many connections the user has; the task comes with the event when it was
 * committed in this process, and is read once otherwise.
 */
export class TaskFeed {
  private readonly listeners = new Map<string, Set<(item: TaskFeedItem) => void>>();
  private readonly queues = new Map<string, Promise<void>>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly bus: TaskEventBus,
    private readonly store: TaskStore,
  ) {}

  /** Starts receiving `userId`'s changes; returns the function that stops. */
  subscribe(userId: string, listener: (item: TaskFeedItem) => void): () => void {
    if (!this.unsubscribe) {
      const offChange = this.bus.onChange((e) => this.dispatch(e));
      const offResync = this.bus.onResync?.(() => this.resyncAll());
      this.unsubscribe = () => {
        offChange();
        offResync?.();
      };
    }
    const set = this.listeners.get(userId) ?? new Set();
    set.add(listener);
    this.listeners.set(userId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(userId);
    };
  }

  /** Tells every connection to catch up through its cursor (changes may have been missed). */
  private resyncAll() {
    const item = { event: { userId: "", taskId: "", version: 0, kind: "upsert" as const }, frame: encoder.encode("event: resync\ndata: {}\n\n") };
    for (const set of this.listeners.values()) for (const listener of set) listener(item);
  }

  private deliver(event: TaskChangeEvent) {
    const item = { event, frame: taskFrame(event) };
    for (const listener of this.listeners.get(event.userId) ?? []) {
      try {
        listener(item);
      } catch {
        // a closed connection: its own cleanup unsubscribes it
      }
    }
  }

  private dispatch(event: TaskChangeEvent) {
    if (!this.listeners.has(event.userId)) return;
    const pending = this.queues.get(event.userId);
    // The common case: the task came with the event and nothing is waiting: deliver now, synchronously.
    if (!pending && (event.kind === "delete" || event.task)) return this.deliver(event);
    // Otherwise keep commit order behind whatever is being read.
    const next = (pending ?? Promise.resolve()).then(async () => {
      const task = event.kind === "upsert" && !event.task ? await this.store.get(event.userId, event.taskId).catch(() => null) : event.task;
      this.deliver({ ...event, task: task ?? undefined });
    });
    this.queues.set(event.userId, next);
    void next.finally(() => {
      if (this.queues.get(event.userId) === next) this.queues.delete(event.userId);
    });
  }
}
