import type { TaskSyncResponse } from "../../shared/tasks";
import type { TaskFeed, TaskFeedItem } from "./feed";
import type { TaskStore } from "./store";

const encoder = new TextEncoder();

/**
 * A user's task changes as Server-Sent Events: `event: task` per change (its id is the version, the data
 * the task or its deletion), `event: sync` with a delta when resuming from `since` (Last-Event-ID or the sync
 * cursor), and a comment line as heartbeat.
 */
export function taskEventStream(opts: {
  feed: TaskFeed;
  store: TaskStore;
  userId: string;
  since: number | null;
  signal: AbortSignal;
  heartbeatMs?: number;
}): ReadableStream<Uint8Array> {
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      const sendBytes = (bytes: Uint8Array) => {
        if (!open) return;
        try {
          controller.enqueue(bytes);
        } catch {
          close();
        }
      };
      const send = (text: string) => sendBytes(encoder.encode(text));
      const close = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      cleanup = close;
      // Subscribe first, then catch up: a change in between is sent twice at worst, never lost.
      const buffered: TaskFeedItem[] = [];
      let caughtUp = opts.since === null;
      const deliver = ({ frame }: TaskFeedItem) => sendBytes(frame);
      const unsubscribe = opts.feed.subscribe(opts.userId, (item) => (caughtUp ? deliver(item) : buffered.push(item)));
      const heartbeat = setInterval(() => send(`: ping ${Date.now()}\n\n`), opts.heartbeatMs ?? 15_000);
      opts.signal.addEventListener("abort", close, { once: true });

      send(`retry: 2000\n: connected\n\n`);
      if (opts.since !== null) {
        const delta: TaskSyncResponse = await opts.store.changesSince(opts.userId, opts.since);
        send(`id: ${delta.cursor}\nevent: sync\ndata: ${JSON.stringify(delta)}\n\n`);
        caughtUp = true;
        for (const item of buffered.splice(0)) if (item.event.version > Number(delta.cursor)) deliver(item);
      }
    },
    cancel() {
      cleanup();
    },
  });
}
