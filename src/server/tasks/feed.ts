import type { BackgroundTask } from "../../shared/tasks";
import type { TaskChangeEvent, TaskEventBus } from "./events";
import type { TaskStore } from "./store";

/** What a push connection receives for one change: the task as it is now (null when deleted). */
export interface TaskFeedItem {
  event: TaskChangeEvent;
  task: BackgroundTask | null;
}

/**
 * Fans the bus's changes out to the push connections of each user. A change is read from the database
 * once, whatever the number of that user's connections, and delivered to each of them in commit order.
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
    this.unsubscribe ??= this.bus.onChange((e) => this.dispatch(e));
    const set = this.listeners.get(userId) ?? new Set();
    set.add(listener);
    this.listeners.set(userId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(userId);
    };
  }

  connectionCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  private dispatch(event: TaskChangeEvent) {
    if (!this.listeners.has(event.userId)) return;
    // One queue per user keeps deliveries in commit order while the task is read.
    const previous = this.queues.get(event.userId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const task = event.kind === "upsert" ? await this.store.get(event.userId, event.taskId).catch(() => null) : null;
      for (const listener of this.listeners.get(event.userId) ?? []) {
        try {
          listener({ event, task });
        } catch {
          // a closed connection: its own cleanup unsubscribes it
        }
      }
    });
    this.queues.set(event.userId, next);
    void next.finally(() => {
      if (this.queues.get(event.userId) === next) this.queues.delete(event.userId);
    });
  }
}
