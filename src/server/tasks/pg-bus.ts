/**
 * The event bus across processes, for PostgreSQL: every change and cancel is also sent with NOTIFY
 * (small payloads: ids and versions; listeners read the data themselves), and a dedicated LISTEN
 * connection turns other processes' notifications into local events. That connection reconnects with
 * backoff; after a reconnection, listeners are told to resync, since notifications sent meanwhile are lost.
 */
import { randomUUID } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import pg from "pg";
import type { SessionEndedEvent, TaskCancelEvent, TaskChangeEvent, TaskEventBus } from "./events";
import { InProcessEventBus, TaskEngineEvents } from "./events";

const CHANGE_CHANNEL = "cv_tasks_change";
const CANCEL_CHANNEL = "cv_tasks_cancel";
const SESSION_CHANNEL = "cv_tasks_session";

type Notifier = (channel: string, payload: string) => Promise<unknown>;

export class PostgresEventBus implements TaskEventBus {
  private readonly local = new InProcessEventBus();
  private readonly origin = randomUUID().slice(0, 8);
  private readonly resyncListeners = new Set<() => void>();
  private client: pg.Client | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private backoffMs = 100;
  private connectedOnce = false;
  private listening = false;
  /** When the LISTEN connection was lost (null while connected): the downtime reported on reconnection. */
  private lostAt: number | null = null;
  /** Resolves once LISTEN is active (for start-up and tests). */
  ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    private readonly url: string,
    private readonly notify: Notifier,
    private readonly log: (message: string) => void = (m) => console.error(`[bus] ${m}`),
    /** Lifecycle events: `listenReconnected` and `resync` are emitted here. */
    private readonly events: TaskEngineEvents = new TaskEngineEvents(),
  ) {
    this.ready = new Promise((r) => (this.markReady = r));
  }

  async start(): Promise<void> {
    void this.connect();
    await this.ready;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.client?.end().catch(() => {});
  }

  private async connect() {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.url,
      application_name: "cv-tasks-listen",
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
    });
    this.client = client;
    let lost = false;
    const onLost = (why: string) => {
      if (lost || this.stopped) return;
      lost = true;
      this.listening = false;
      this.lostAt ??= Date.now();
      this.log(`LISTEN connection lost (${why}); reconnecting in ${this.backoffMs} ms`);
      client.removeAllListeners();
      void client.end().catch(() => {});
      // Jitter, so that a cluster's processes do not all knock at once when the server comes back.
      const wait = Math.round(this.backoffMs * (0.75 + Math.random() * 0.5));
      this.backoffMs = Math.min(this.backoffMs * 2, 5000);
      // Not unref'd: a process whose other timers are unref'd (a worker) must stay alive to reconnect.
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        void this.connect();
      }, wait);
    };
    client.on("error", (err) => onLost(err.message));
    client.on("end", () => onLost("ended"));
    client.on("notification", (n) => this.receive(n.channel, n.payload ?? ""));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      await client.query(`LISTEN ${CANCEL_CHANNEL}`);
      await client.query(`LISTEN ${SESSION_CHANNEL}`);
    } catch (err) {
      onLost(err instanceof Error ? err.message : String(err));
      return;
    }
    this.backoffMs = 100;
    // Listening again before the resync listeners run: what they read from the database now is kept current.
    this.listening = !lost;
    if (this.connectedOnce) {
      this.events.emit("listenReconnected", { downtimeMs: Date.now() - (this.lostAt ?? Date.now()) });
      this.events.emit("resync", { reason: "listen_reconnected" });
      for (const l of this.resyncListeners) l(); // what was sent meanwhile is lost
    }
    this.lostAt = null;
    this.connectedOnce = true;
    this.markReady();
  }

  private receive(channel: string, payload: string) {
    try {
      const m = JSON.parse(payload) as { o: string; u?: string; t: string; s?: string; v?: number; k?: "u" | "d"; a?: number; w?: 1 };
      if (m.o === this.origin) return; // our own, already delivered locally
      if (channel === CHANGE_CHANNEL && m.u && m.v !== undefined) {
        this.local.publishChange({ userId: m.u, taskId: m.t, version: m.v, kind: m.k === "d" ? "delete" : "upsert", at: m.a, claimable: m.w === 1 });
      } else if (channel === CANCEL_CHANNEL) {
        this.local.publishCancel({ taskId: m.t });
      } else if (channel === SESSION_CHANNEL && m.u) {
        this.local.publishSessionEnded({ userId: m.u, sessionId: m.s });
      }
    } catch (err) {
      this.log(`bad notification on ${channel}: ${String(err)}`);
    }
  }

  private send(channel: string, payload: object) {
    this.notify(channel, JSON.stringify({ o: this.origin, ...payload })).catch((err) => this.log(`NOTIFY failed: ${String(err)}`));
  }

  private changePayload(event: TaskChangeEvent) {
    return JSON.stringify({ o: this.origin, u: event.userId, t: event.taskId, v: event.version, k: event.kind === "delete" ? "d" : "u", a: event.at, w: event.claimable ? 1 : undefined });
  }

  /** Sent by the transaction itself: delivered at its commit, never for a rollback, never lost after it. */
  async notifyInTransaction(execute: (query: SQL) => Promise<unknown>, changes: TaskChangeEvent[], cancels: TaskCancelEvent[] = []): Promise<void> {
    // One round trip for all of them (a batch of 40 created tasks was 40), in order, while the user's lock is held.
    const sent = [
      ...changes.map((change) => [CHANGE_CHANNEL, this.changePayload(change)]),
      ...cancels.map((cancel) => [CANCEL_CHANNEL, JSON.stringify({ o: this.origin, t: cancel.taskId })]),
    ];
    if (sent.length === 0) return;
    await execute(sql`select pg_notify(n.channel, n.payload) from unnest(${sql.param(sent.map((s) => s[0]))}::text[], ${sql.param(sent.map((s) => s[1]))}::text[]) with ordinality as n(channel, payload, i) order by n.i`);
  }

  /** The same notification as notifyInTransaction's, built by the statement that makes the change. */
  changeNotifySql(c: { userId: SQL; taskId: SQL; version: SQL; at: number; claimable?: boolean }): SQL {
    const wakes = c.claimable ? sql`, 'w', 1` : sql``;
    return sql`pg_notify(${CHANGE_CHANNEL}, json_build_object('o', ${this.origin}::text, 'u', ${c.userId}, 't', ${c.taskId}, 'v', ${c.version}, 'k', 'u', 'a', ${c.at}::bigint${wakes})::text)`;
  }

  /** Delivers locally; other processes heard it from the transaction (notifyInTransaction). */
  publishChange(event: TaskChangeEvent): void {
    this.local.publishChange(event);
  }

  /** Delivers locally; other processes heard it from the cancelling transaction (notifyInTransaction). */
  publishCancel(event: TaskCancelEvent): void {
    this.local.publishCancel(event);
  }

  /** Delivers locally at once and to every other process through NOTIFY (the sessions are already gone). */
  publishSessionEnded(event: SessionEndedEvent): void {
    this.local.publishSessionEnded(event);
    this.send(SESSION_CHANNEL, { u: event.userId, s: event.sessionId });
  }

  onSessionEnded(listener: (event: SessionEndedEvent) => void) {
    return this.local.onSessionEnded(listener);
  }

  /** LISTEN is active: no notification is being missed. */
  get connected(): boolean {
    return this.listening && !this.stopped;
  }

  onChange(listener: (event: TaskChangeEvent) => void) {
    return this.local.onChange(listener);
  }

  onCancel(listener: (event: TaskCancelEvent) => void) {
    return this.local.onCancel(listener);
  }

  /** Called after the LISTEN connection came back: notifications may have been missed. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => void this.resyncListeners.delete(listener);
  }

  /** The backend pid of the LISTEN connection (for operations and tests). */
  async listenerPid(): Promise<number | null> {
    const res = await this.client?.query<{ pid: number }>("select pg_backend_pid() as pid").catch(() => null);
    return res?.rows[0]?.pid ?? null;
  }
}
