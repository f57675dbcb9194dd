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

/** Between tabs only: a tab that has just opened asks the leader whether its stream is connected. */
type ChannelMessage = PushMessage | { type: "status?" };

const LOCK = "cv-tasks.push-leader";
const CHANNEL = "cv-tasks.push";
/** A stream that reconnects within this long (its lifetime ended, say) never shows as disconnected. */
const QUIET_RECONNECT_MS = 3000;
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

export class PushChannel {
  private readonly listeners = new Set<(m: PushMessage) => void>();
  private channel: BroadcastChannel | null = null;
  private source: EventSource | null = null;
  private releaseLock: (() => void) | null = null;
  private stopped = false;
  /** The last event id this tab's stream received: where a reconnection resumes. */
  private lastEventId: string | null = null;
  private downTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  isLeader = false;
  /** Whether the stream of this browser (this tab's, or the leader's) is connected, as last known. */
  connected = false;

  constructor(private readonly cursor: () => string | null) {}

  on(listener: (m: PushMessage) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  start() {
    if (typeof BroadcastChannel !== "undefined") {
      this.channel = new BroadcastChannel(CHANNEL);
      this.channel.onmessage = (e: MessageEvent<ChannelMessage>) => {
        if (e.data.type === "status?") {
          if (this.source) this.channel?.postMessage({ type: "status", connected: this.connected } satisfies PushMessage);
        } else this.emit(e.data, false);
      };
    }
    const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
    if (!locks || !this.channel) {
      this.connect(); // no way to share: this tab keeps its own connection
      return;
    }
    // A follower learns the leader's state now rather than at its next change.
    this.channel.postMessage({ type: "status?" } satisfies ChannelMessage);
    void locks.request(LOCK, () => {
      if (this.stopped) return;
      this.isLeader = true;
      this.connect();
      return new Promise<void>((release) => (this.releaseLock = release));
    });
  }

  stop() {
    this.stopped = true;
    this.clearTimers();
    this.source?.close();
    if (this.source && this.channel) this.channel.postMessage({ type: "status", connected: false } satisfies PushMessage);
    this.source = null;
    this.releaseLock?.();
    this.channel?.close();
  }

  private emit(message: PushMessage, relay: boolean) {
    if (message.type === "status") this.connected = message.connected;
    for (const l of this.listeners) l(message);
    if (relay) this.channel?.postMessage(message);
  }

  private setStatus(connected: boolean) {
    if (connected !== this.connected) this.emit({ type: "status", connected }, true);
  }

  private clearTimers() {
    if (this.downTimer) clearTimeout(this.downTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.downTimer = this.retryTimer = null;
  }

  private connect() {
    if (this.stopped) return;
    const since = this.lastEventId ?? this.cursor();
    const source = new EventSource(`/api/background-tasks/events${since ? `?since=${encodeURIComponent(since)}` : ""}`);
    this.source = source;
    const track = (e: Event) => {
      const id = (e as MessageEvent<string>).lastEventId;
      if (id) this.lastEventId = id;
    };
    source.addEventListener("task", (e) => {
      track(e);
      this.emit({ type: "task", ...JSON.parse((e as MessageEvent<string>).data) }, true);
    });
    source.addEventListener("sync", (e) => {
      track(e);
      this.emit({ type: "sync", delta: JSON.parse((e as MessageEvent<string>).data) }, true);
    });
    source.addEventListener("resync", () => this.emit({ type: "resync" }, true));
    source.onopen = () => {
      this.failures = 0;
      this.clearTimers();
      this.setStatus(true);
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CONNECTING) {
        // The browser reconnects by itself with Last-Event-ID (the server ends streams at their lifetime):
        // disconnected only if that takes long.
        this.downTimer ??= setTimeout(() => this.setStatus(false), QUIET_RECONNECT_MS);
        return;
      }
      // Closed for good (refused: 503 when the server is full, 401 after sign-out): retry with a
      // jittered backoff; the poll keeps the tasks in sync meanwhile.
      source.close();
      if (this.source === source) this.source = null;
      this.clearTimers();
      this.setStatus(false);
      const wait = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.failures++) * (0.5 + Math.random());
      this.retryTimer = setTimeout(() => this.connect(), wait);
    };
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
