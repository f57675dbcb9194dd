/**
 * The push channel, one per browser rather than one per tab (browsers allow only six HTTP/1.1
 * connections per origin). The tab holding a Web Lock is the leader: it keeps the EventSource open and
 * relays every event to the other tabs over a BroadcastChannel. When the leader closes, the lock is
 * released and the next tab takes over at once.
 */
import type { BackgroundTask, TaskSyncResponse } from "@/shared/tasks";

export type PushMessage =
  | { type: "task"; taskId: string; version: number; kind: "upsert" | "delete"; at?: number; task: BackgroundTask | null }
  | { type: "sync"; delta: TaskSyncResponse }
  | { type: "status"; connected: boolean }
  | { type: "resync" };

const LOCK = "cv-tasks.push-leader";
const CHANNEL = "cv-tasks.push";

export class PushChannel {
  private readonly listeners = new Set<(m: PushMessage) => void>();
  private channel: BroadcastChannel | null = null;
  private source: EventSource | null = null;
  private releaseLock: (() => void) | null = null;
  private stopped = false;
  isLeader = false;

  constructor(private readonly cursor: () => string | null) {}

  on(listener: (m: PushMessage) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  start() {
    if (typeof BroadcastChannel !== "undefined") {
      this.channel = new BroadcastChannel(CHANNEL);
      this.channel.onmessage = (e: MessageEvent<PushMessage>) => this.emit(e.data, false);
    }
    const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
    if (!locks || !this.channel) {
      this.connect(); // no way to share: this tab keeps its own connection
      return;
    }
    void locks.request(LOCK, () => {
      if (this.stopped) return;
      this.isLeader = true;
      this.connect();
      return new Promise<void>((release) => (this.releaseLock = release));
    });
  }

  stop() {
    this.stopped = true;
    this.source?.close();
    this.source = null;
    this.releaseLock?.();
    this.channel?.close();
  }

  private emit(message: PushMessage, relay: boolean) {
    for (const l of this.listeners) l(message);
    if (relay) this.channel?.postMessage(message);
  }

  private connect() {
    const since = this.cursor();
    const source = new EventSource(`/api/background-tasks/events${since ? `?since=${encodeURIComponent(since)}` : ""}`);
    this.source = source;
    source.addEventListener("task", (e) => this.emit({ type: "task", ...JSON.parse((e as MessageEvent<string>).data) }, true));
    source.addEventListener("sync", (e) => this.emit({ type: "sync", delta: JSON.parse((e as MessageEvent<string>).data) }, true));
    source.addEventListener("resync", () => this.emit({ type: "resync" }, true));
    source.onopen = () => this.emit({ type: "status", connected: true }, true);
    // EventSource reconnects by itself, with Last-Event-ID.
    source.onerror = () => this.emit({ type: "status", connected: false }, true);
  }
}

/**
 * Runs `show` in one tab only, for one key: the first tab to ask wins (visible tabs ask first), and
 * holds the key long enough for the others' copies of the same event to find it taken.
 */
export async function onceAcrossTabs(key: string, show: () => void): Promise<void> {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  if (!locks) {
    show();
    return;
  }
  if (document.visibilityState !== "visible") await new Promise((r) => setTimeout(r, 400));
  const claimed = localStorage.getItem(`cv-tasks.toast.${key}`);
  if (claimed) return;
  await locks.request(`cv-tasks.toast.${key}`, { ifAvailable: true }, async (lock) => {
    if (!lock || localStorage.getItem(`cv-tasks.toast.${key}`)) return;
    localStorage.setItem(`cv-tasks.toast.${key}`, String(Date.now()));
    show();
    await new Promise((r) => setTimeout(r, 3000));
  });
  pruneClaims();
}

function pruneClaims() {
  const cutoff = Date.now() - 60 * 60 * 1000;
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const k = localStorage.key(i);
    if (k?.startsWith("cv-tasks.toast.") && Number(localStorage.getItem(k)) < cutoff) localStorage.removeItem(k);
  }
}
