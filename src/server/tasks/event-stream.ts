import type { TaskSyncResponse } from "../../shared/tasks";
import type { SessionEndedEvent } from "./events";
import type { TaskFeed, TaskFeedItem } from "./feed";
import type { TaskStore } from "./store";

const encoder = new TextEncoder();
const PING = encoder.encode(": ping\n\n");
/** What a client waits before reconnecting after a stream ends: short, since a lifetime end is routine. */
const RETRY_MS = 1000;
/** After being replaced by the user's newer stream: long, so that a seventh browser does not evict in turn. */
const REPLACED_RETRY_MS = 30_000;
const CONNECTED = encoder.encode(`retry: ${RETRY_MS}\n: connected\n\n`);

/** The bounds of push streams (see `push` in the configuration). */
export interface PushStreamLimits {
  /** Streams this process keeps open over every user; more are refused (503). */
  /** A number, or a function read at each open (the default follows the process's open-file limit). */
  maxStreams: number | (() => number);
  /** Streams per user; opening one more closes that user's oldest. */
  maxStreamsPerUser: number;
  /** Unsent bytes a stream may hold for a slow client before it is dropped. */
  maxBufferBytes: number;
  /** A stream ends after this long plus up to half of it at random (so reconnections spread out). */
  lifetimeMs: number;
  /** A comment line goes out on a stream quiet for this long. */
  heartbeatMs: number;
  /** How often the sessions of open streams are checked together. */
  sessionCheckMs: number;
}

/** Why a stream ended. `slow` and `signed-out` drop whatever was still queued. */
export type PushCloseReason = "client" | "lifetime" | "replaced" | "slow" | "signed-out" | "shutdown" | "error";

export interface PushStreamRequest {
  userId: string;
  /** The session the stream was opened with: it ends when the session is signed out or expires. */
  sessionId: string;
  sessionExpiresAt: number;
  /** Resume point (Last-Event-ID or the sync cursor): a delta of what changed since is sent first. */
  since: number | null;
  signal: AbortSignal;
}

interface Connection {
  readonly userId: string;
  readonly sessionId: string;
  readonly sessionExpiresAt: number;
  readonly endsAt: number;
  lastWriteAt: number;
  send(bytes: Uint8Array): void;
  end(reason: PushCloseReason): void;
}

/** Where a stream's bytes go: a Web ReadableStream, or a Node.js response written directly. */
export interface PushSink {
  write(bytes: Uint8Array): void;
  /** Bytes written and not yet taken by the client. */
  buffered(): number;
  /** Ends the stream after `last`, if given. */
  close(last?: Uint8Array): void;
  /** Ends the stream at once, dropping whatever is still queued. */
  destroy(reason: PushCloseReason): void;
}

/** Thrown into a dropped stream: the HTTP layer treats it as an abort and closes the socket quietly. */
const dropped = (reason: PushCloseReason) => new DOMException(`push stream closed: ${reason}`, "AbortError");

/**
 * Every push stream of this process, and their bounds: a cap per user (the oldest goes) and one for the
 * process (the new one is refused), a byte bound on what a stream may queue for a client that does not
 * read (it is dropped and resumes through Last-Event-ID), a lifetime, and its session re-checked. One
 * timer serves all streams: heartbeats, lifetimes and one batched session check.
 */
export class PushStreams {
  private readonly all = new Set<Connection>();
  /** Each user's streams, oldest first. */
  private readonly byUser = new Map<string, Connection[]>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private checkingSessions = false;
  private lastSessionCheck = 0;
  private readonly now: () => number;
  private readonly random: () => number;
  /** Streams ended, by reason, since the process started. */
  readonly closed: Record<PushCloseReason, number> = { client: 0, lifetime: 0, replaced: 0, slow: 0, "signed-out": 0, shutdown: 0, error: 0 };
  /** Streams refused over the process cap, since the process started. */
  refused = 0;

  constructor(
    private readonly deps: {
      feed: TaskFeed;
      store: Pick<TaskStore, "changesSince">;
      limits: PushStreamLimits;
      /** Which of these session ids are still signed in (one query for all). */
      liveSessions(ids: string[]): Promise<Set<string>>;
      now?: () => number;
      random?: () => number;
    },
  ) {
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
  }

  /** Streams open now. */
  get size(): number {
    return this.all.size;
  }

  /** Seconds a refused client should wait: 5-15, at random, so that refused clients do not return together. */
  retryAfterSeconds(): number {
    return 5 + Math.floor(this.random() * 11);
  }

  /**
   * A user's task changes as Server-Sent Events, as a ReadableStream (for a Web Response: the Next.js route
   * under `next dev`). Null when the process already holds `maxStreams` streams (answer 503).
   */
  open(req: PushStreamRequest): ReadableStream<Uint8Array> | null {
    const { maxBufferBytes } = this.deps.limits;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let clientGone = () => {};
    const stream = new ReadableStream<Uint8Array>(
      { start: (c) => void (controller = c), cancel: () => clientGone() },
      // desiredSize = the bound minus the bytes queued and not yet taken by the socket.
      { highWaterMark: maxBufferBytes, size: (chunk) => chunk.byteLength },
    );
    const sink: PushSink = {
      write: (bytes) => controller.enqueue(bytes),
      buffered: () => maxBufferBytes - (controller.desiredSize ?? 0),
      close: (last) => {
        try {
          if (last) controller.enqueue(last);
          controller.close();
        } catch {
          // already closed by the client
        }
      },
      destroy: (reason) => {
        try {
          controller.error(dropped(reason));
        } catch {
          // already closed by the client
        }
      },
    };
    const attached = this.attach({ ...req, signal: undefined }, sink);
    if (!attached) return null;
    clientGone = attached;
    if (req.signal.aborted) attached();
    else req.signal.addEventListener("abort", attached, { once: true });
    return stream;
  }

  /**
   * A user's task changes as Server-Sent Events, written to `sink`: `event: task` per change (its id is the
   * version, the data the slim task or its deletion), `event: sync` with a delta first when resuming from
   * `since`, a comment line as heartbeat, and `event: closed` when the server ends the stream on purpose.
   * Each change's frame is encoded once and the same bytes are written to every sink. Returns the function
   * to call when the client goes away, or null when the process already holds `maxStreams` streams.
   */
  attach(req: Omit<PushStreamRequest, "signal"> & { signal?: undefined }, sink: PushSink): (() => void) | null {
    const { limits } = this.deps;
    for (let mine = this.byUser.get(req.userId); mine && mine.length >= limits.maxStreamsPerUser; mine = this.byUser.get(req.userId)) {
      mine[0]!.end("replaced");
    }
    if (this.all.size >= (typeof limits.maxStreams === "function" ? limits.maxStreams() : limits.maxStreams)) {
      this.refused++;
      return null;
    }

    let open = true;
    let unsubscribe = () => {};
    const openedAt = this.now();
    const conn: Connection = {
      userId: req.userId,
      sessionId: req.sessionId,
      sessionExpiresAt: req.sessionExpiresAt,
      endsAt: openedAt + limits.lifetimeMs * (1 + this.random() * 0.5),
      lastWriteAt: openedAt,
      send: (bytes) => {
        if (!open) return;
        // A backlog already past the bound: the client is not reading. The bound is on what waits unsent, so
        // any one frame still goes out behind a backlog within it (a resume's delta is often larger than the
        // bound; the response's own head may still be queued before it), and a backlog never exceeds the
        // bound by more than one frame.
        if (sink.buffered() > limits.maxBufferBytes) return conn.end("slow");
        try {
          sink.write(bytes);
          conn.lastWriteAt = this.now();
        } catch {
          conn.end("client");
        }
      },
      end: (reason) => {
        if (!open) return;
        open = false;
        this.closed[reason]++;
        this.forget(conn);
        unsubscribe();
        if (reason === "client") sink.close();
        else if (reason === "slow" || reason === "signed-out" || reason === "error" || sink.buffered() > limits.maxBufferBytes) {
          // Nothing more for this client, not even what is queued: the socket closes now.
          sink.destroy(reason);
        } else {
          // What is queued goes out first, then the closing frame: a stream replaced a moment after it opened
          // still holds its head and "connected" (written, not yet flushed), and destroying it would leave the
          // client with a connection closed before any answer.
          const retry = reason === "replaced" ? `retry: ${REPLACED_RETRY_MS}\n` : "";
          sink.close(encoder.encode(`${retry}event: closed\ndata: {"reason":"${reason}"}\n\n`));
        }
      },
    };
    this.all.add(conn);
    this.byUser.set(req.userId, [...(this.byUser.get(req.userId) ?? []), conn]);
    this.startTimer();

    // Subscribe first, then catch up: a change in between is sent twice at worst, never lost.
    const buffered: TaskFeedItem[] = [];
    let bufferedBytes = 0;
    let caughtUp = req.since === null;
    unsubscribe = this.deps.feed.subscribe(req.userId, (item) => {
      if (caughtUp) return conn.send(item.frame);
      buffered.push(item);
      bufferedBytes += item.frame.byteLength;
      if (bufferedBytes > limits.maxBufferBytes) conn.end("slow");
    });
    conn.send(CONNECTED);
    if (req.since !== null) {
      const since = req.since;
      void (async () => {
        try {
          const delta: TaskSyncResponse = await this.deps.store.changesSince(req.userId, since);
          conn.send(encoder.encode(`id: ${delta.cursor}\nevent: sync\ndata: ${JSON.stringify(delta)}\n\n`));
          caughtUp = true;
          for (const item of buffered.splice(0)) if (item.event.version > Number(delta.cursor)) conn.send(item.frame);
        } catch {
          conn.end("error"); // the client reconnects and tries again from the same cursor
        }
      })();
    }
    return () => conn.end("client");
  }

  /** Ends at once the streams of a session that ended (or of every session of a deleted user). */
  sessionsEnded({ userId, sessionId }: SessionEndedEvent) {
    for (const conn of [...(this.byUser.get(userId) ?? [])]) if (sessionId === undefined || conn.sessionId === sessionId) conn.end("signed-out");
  }

  /** Ends every stream (the process is stopping). */
  stop() {
    for (const conn of [...this.all]) conn.end("shutdown");
    this.stopTimer();
  }

  private forget(conn: Connection) {
    this.all.delete(conn);
    const list = this.byUser.get(conn.userId);
    if (!list) return;
    const rest = list.filter((c) => c !== conn);
    if (rest.length) this.byUser.set(conn.userId, rest);
    else this.byUser.delete(conn.userId);
    if (this.all.size === 0) this.stopTimer();
  }

  private startTimer() {
    if (this.timer) return;
    const { heartbeatMs, sessionCheckMs } = this.deps.limits;
    this.timer = setInterval(() => this.tick(), Math.max(100, Math.min(heartbeatMs, sessionCheckMs, 1000)));
    this.timer.unref?.();
  }

  private stopTimer() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The one timer: lifetimes, expired sessions, heartbeats on quiet streams, then the batched session check. */
  private tick() {
    const now = this.now();
    const { heartbeatMs, sessionCheckMs } = this.deps.limits;
    for (const conn of [...this.all]) {
      if (now >= conn.sessionExpiresAt) conn.end("signed-out");
      else if (now >= conn.endsAt) conn.end("lifetime");
      else if (now - conn.lastWriteAt >= heartbeatMs) conn.send(PING);
    }
    if (this.all.size === 0 || this.checkingSessions || now - this.lastSessionCheck < sessionCheckMs) return;
    this.checkingSessions = true;
    this.lastSessionCheck = now;
    const ids = new Set([...this.all].map((c) => c.sessionId));
    this.deps
      .liveSessions([...ids])
      .then((live) => {
        for (const conn of [...this.all]) if (ids.has(conn.sessionId) && !live.has(conn.sessionId)) conn.end("signed-out");
      })
      .catch(() => {
        // The database is away: keep the streams, check again next time.
      })
      .finally(() => (this.checkingSessions = false));
  }
}
