import { randomUUID } from "node:crypto";
import type { BackgroundTaskRow } from "../db/schema";
import { runChild, runWorker } from "./context";
import type { TaskEngineEvents, TaskEventBus } from "./events";
import type { TaskProcessRegistry } from "./registry";
import { isRetryableDbError, withRetries } from "./retry";
import type { TaskFence, TaskStore } from "./store";
import { TaskFailure, toTaskError, type TaskContext, type TaskOutcome, type TaskTypes } from "./types";

export interface RunnerOptions {
  store: TaskStore;
  bus: TaskEventBus;
  types: TaskTypes;
  registry: TaskProcessRegistry;
  /** Tasks this process runs at once. */
  concurrency: number;
  /** Tasks one user has running at once, across every runner on the database. */
  perUserConcurrency: number;
  /** Runs a task may get: after a runner dies, its tasks are re-queued until they have used this many. */
  maxAttempts: number;
  progressIntervalMs: number;
  tombstoneTtlMs: number;
  /** The embedded database has one process: at start, any running task is an orphan of a dead process. */
  soleRunner: boolean;
  /** Tasks running at once across every process on the database (0: no such cap). */
  globalConcurrency?: number;
  leaseMs?: number;
  heartbeatMs?: number;
  /** How long `stop()` lets running tasks finish before putting them back in the queue: shorter than the lease. */
  shutdownGraceMs?: number;
  /** How often to look for claimable work that no event announced, expired leases and missed cancels. */
  pollMs?: number;
  ownerId?: string;
  /** Lifecycle events (default: the store's). */
  events?: TaskEngineEvents;
  /** Terminal writes (complete, fail, requeue, lease release): tries in all before the lease is left to expire. */
  writeAttempts?: number;
  /** First backoff between those tries (doubled each time). */
  writeRetryDelayMs?: number;
  log?: (message: string) => void;
}

/** The abort reason when this runner shuts down: the task is re-queued, not failed. */
export class ShutdownAbort extends Error {
  constructor() {
    super("The runner is shutting down.");
    this.name = "AbortError";
  }
}

/** The abort reason when this runner lost a task's lease: another runner may have it; nothing is written. */
export class LeaseLostAbort extends Error {
  constructor() {
    super("This runner lost the task's lease.");
    this.name = "AbortError";
  }
}

/** A configuration under which the runner would break its own promises (a lease expiring during the grace, say). */
export class RunnerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunnerConfigError";
  }
}

const RESTART_REASON = { code: "interrupted", message: "The task was interrupted by a server restart." };
const LEASE_REASON = { code: "lease_expired", message: "The process running this task stopped responding." };

interface Running {
  fence: TaskFence;
  done: Promise<void>;
  /** When the lease was last renewed (or taken): past the lease, it may belong to another runner. */
  renewedAt: number;
  /** The lease was found lost: the work is aborted and nothing more is written for this attempt. */
  lost: boolean;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Starts queued tasks round-robin across users (FIFO within a user) under the process and per-user
 * limits, and sees each one to its end: the lease stays held (and renewed) until the task's work has
 * really stopped, its terminal write is retried on transient database errors, and when that write cannot
 * be made the lease is left to expire so that recovery takes the task back.
 */
export class TaskRunner {
  readonly ownerId: string;
  readonly events: TaskEngineEvents;
  private readonly active = new Map<string, Running>();
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly pollMs: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: (() => void)[] = [];
  private started = false;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private filling: Promise<void> | null = null;
  private fillAgain = false;
  private lastSweep = 0;

  constructor(private readonly opts: RunnerOptions) {
    this.ownerId = opts.ownerId ?? `runner-${randomUUID()}`;
    this.events = opts.events ?? opts.store.events;
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.heartbeatMs = opts.heartbeatMs ?? 5000;
    this.pollMs = opts.pollMs ?? 1000;
    if (this.heartbeatMs * 2 > this.leaseMs) {
      throw new RunnerConfigError(
        `The heartbeat (TASK_HEARTBEAT_MS=${this.heartbeatMs}) must be at most half the lease (TASK_LEASE_MS=${this.leaseMs}), or leases expire under load while their tasks run.`,
      );
    }
    if (opts.shutdownGraceMs !== undefined && opts.shutdownGraceMs >= this.leaseMs) {
      throw new RunnerConfigError(
        `The shutdown grace (TASK_SHUTDOWN_GRACE_MS=${opts.shutdownGraceMs}) must be shorter than the lease (TASK_LEASE_MS=${this.leaseMs}): set TASK_SHUTDOWN_GRACE_MS below ${this.leaseMs}.`,
      );
    }
  }

  private log(text: string) {
    (this.opts.log ?? console.error)(`[runner] ${text}`);
  }

  private loopError(step: string, err: unknown) {
    this.events.emit("loopError", { step, error: message(err) });
    this.log(`${step} failed: ${message(err)}`);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { store, bus } = this.opts;
    await store.recoverOrphans({
      everything: this.opts.soleRunner,
      maxAttempts: this.opts.maxAttempts,
      reason: this.opts.soleRunner ? RESTART_REASON : LEASE_REASON,
    });
    this.lastSweep = Date.now();
    await store.pruneTombstones(this.opts.tombstoneTtlMs);

    this.unsubscribe.push(
      // Only changes that make work claimable wake the runner: a queued task, a freed slot. Not progress.
      bus.onChange((e) => {
        if (e.claimable) this.kick();
      }),
      bus.onCancel(({ taskId }) => void this.opts.registry.abort(taskId)),
    );
    const offResync = bus.onResync?.(() => this.kick());
    if (offResync) this.unsubscribe.push(offResync);
    const every = (ms: number, step: string, fn: () => Promise<unknown> | void) => {
      const timer = setInterval(() => void Promise.resolve(fn()).catch((err) => this.loopError(step, err)), ms);
      timer.unref();
      this.timers.push(timer);
      return timer;
    };
    this.pollTimer = every(this.pollMs, "poll", () => this.poll());
    every(this.heartbeatMs, "heartbeat", () => this.heartbeat());
    every(60 * 60 * 1000, "prune", () => store.pruneTombstones(this.opts.tombstoneTtlMs));
    this.kick();
  }

  /**
   * Stops claiming (waiting for a claim in flight), gives running tasks `graceMs` to finish while their
   * leases keep being renewed and cancels keep stopping them, then puts the rest back in the queue and
   * resolves once every task's work has stopped and its bookkeeping is done.
   */
  stop(graceMs = this.opts.shutdownGraceMs ?? 0): Promise<void> {
    this.stopped ??= this.shutdown(graceMs);
    return this.stopped;
  }

  private async shutdown(graceMs: number) {
    this.stopping = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    // The heartbeat and the cancel subscription stay: a task in its grace keeps its lease and still stops on cancel.
    const cancelCheck = setInterval(() => void this.checkCancels().catch((err) => this.loopError("cancel check", err)), this.pollMs);
    cancelCheck.unref();
    await this.filling;
    const all = () => Promise.allSettled([...this.active.values()].map((a) => a.done));
    if (graceMs > 0 && this.active.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all(), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
    }
    // What did not finish in time goes back to the queue, for another runner.
    for (const taskId of this.active.keys()) this.opts.registry.abort(taskId, new ShutdownAbort());
    await all();
    clearInterval(cancelCheck);
    for (const timer of this.timers) clearInterval(timer);
    for (const off of this.unsubscribe) off();
  }

  /** Resolves once no task is running here and no claim is in flight (for scripts and tests). */
  async idle(): Promise<void> {
    while (this.active.size > 0 || this.filling) {
      await Promise.allSettled([...this.active.values()].map((a) => a.done));
      await this.filling;
    }
  }

  get runningCount(): number {
    return this.active.size;
  }

  /** Claims as many tasks as there is room for. Calls made while claiming fold into one more pass. */
  kick(): void {
    if (this.stopping || !this.started) return;
    if (this.filling) {
      this.fillAgain = true;
      return;
    }
    // After the current turn of the event loop: slots freed together (a batch of completions) are claimed together.
    this.filling = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.fill())
      .finally(() => {
        this.filling = null;
      });
  }

  private async fill() {
    try {
      do {
        this.fillAgain = false;
        // Expired leases go back to the queue before anything is claimed (here or by another runner).
        await this.sweep();
        if (this.active.size >= this.opts.concurrency) break;
        while (!this.stopping && this.active.size < this.opts.concurrency) {
          const rows = await this.opts.store.claim(
            this.ownerId,
            this.opts.perUserConcurrency,
            this.leaseMs,
            this.opts.globalConcurrency ?? 0,
            // Work still stopping here is never claimed again meanwhile (a zombie attempt).
            this.opts.registry.runningTaskIds(),
            // Every free slot in one statement: one commit for several tasks (see claim()).
            this.opts.concurrency - this.active.size,
          );
          if (rows.length === 0) break;
          if (this.stopping) {
            // Claimed while stop() was called: they go straight back to the queue, never started here.
            for (const row of rows) await this.handBack({ taskId: row.id, userId: row.userId, owner: this.ownerId, attempt: row.attempts }, "shutdown");
            break;
          }
          for (const row of rows) this.launch(row);
        }
      } while (this.fillAgain && !this.stopping);
    } catch (err) {
      this.loopError("claim", err);
    }
  }

  /** Re-queues (or fails) running tasks whose lease expired; at most every quarter lease (and each second). */
  private async sweep() {
    const every = Math.min(this.pollMs, this.leaseMs / 4);
    if (Date.now() - this.lastSweep < every) return;
    this.lastSweep = Date.now();
    await this.opts.store.recoverOrphans({ everything: false, maxAttempts: this.opts.maxAttempts, reason: LEASE_REASON });
  }

  private async poll() {
    this.kick();
    await this.checkCancels();
  }

  /** Safety net for a missed cancel event: work on a task that was cancelled or deleted stops. */
  private async checkCancels() {
    const running = [...this.active.entries()].filter(([id]) => !this.opts.registry.get(id)?.controller.signal.aborted).map(([id]) => id);
    const wanted = await this.opts.store.stillWanted(running);
    for (const taskId of running) if (!wanted.has(taskId) && this.active.has(taskId)) this.opts.registry.abort(taskId);
  }

  /** Renews every lease this runner holds in one query; a lost lease or a recorded cancel stops the work. */
  private async heartbeat() {
    const held = [...this.active.values()].filter((a) => !a.lost);
    if (held.length === 0) return;
    let rows: Awaited<ReturnType<TaskStore["renewLeases"]>>;
    try {
      rows = await this.opts.store.renewLeases(this.ownerId, held.map((a) => a.fence.taskId), this.leaseMs);
    } catch (err) {
      // Unrenewed past the lease, a task may already run elsewhere: its work here stops, writing nothing.
      const now = Date.now();
      for (const a of held) if (now - a.renewedAt >= this.leaseMs) this.loseLease(a);
      throw err;
    }
    const now = Date.now();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const a of held) {
      const row = byId.get(a.fence.taskId);
      if (!row || row.attempts !== a.fence.attempt) this.loseLease(a);
      else {
        a.renewedAt = now;
        if (row.cancelRequestedAt !== null) this.opts.registry.abort(a.fence.taskId);
      }
    }
  }

  private loseLease(a: Running) {
    if (a.lost) return;
    a.lost = true;
    this.events.emit("leaseLost", { taskId: a.fence.taskId, userId: a.fence.userId, owner: this.ownerId, attempt: a.fence.attempt });
    this.log(`lost the lease of task ${a.fence.taskId}: its work here stops`);
    this.opts.registry.abort(a.fence.taskId, new LeaseLostAbort());
  }

  private launch(row: BackgroundTaskRow) {
    const fence: TaskFence = { taskId: row.id, userId: row.userId, owner: this.ownerId, attempt: row.attempts };
    const entry: Running = { fence, done: Promise.resolve(), renewedAt: Date.now(), lost: false };
    this.active.set(row.id, entry);
    entry.done = this.execute(row, entry)
      .catch((err) => this.loopError(`task ${row.id}`, err))
      .finally(() => {
        this.active.delete(row.id);
        this.kick();
      });
  }

  /**
   * A terminal write, retried on transient database errors. Undefined when it could not be made: the
   * lease is then kept (no longer renewed), so expiry recovery takes the task back.
   */
  private async write<T>(operation: string, taskId: string, fn: () => Promise<T>, rethrowPermanent = false): Promise<T | undefined> {
    try {
      return await withRetries(fn, {
        attempts: this.opts.writeAttempts ?? 6,
        baseDelayMs: this.opts.writeRetryDelayMs ?? 50,
        onRetry: (attempt, err) => this.events.emit("writeRetried", { operation, taskId, attempt, error: message(err) }),
      });
    } catch (err) {
      if (rethrowPermanent && !isRetryableDbError(err)) throw err;
      this.events.emit("writeAbandoned", { operation, taskId, error: message(err) });
      this.log(`${operation} of task ${taskId} failed (${message(err)}); its lease is left to expire so that recovery takes it back`);
      return undefined;
    }
  }

  /** Puts the task back in the queue; if it was cancelled meanwhile it stays cancelled, and only the lease is given back. */
  private async handBack(fence: TaskFence, reason: "shutdown" | "database_unavailable") {
    const { store } = this.opts;
    if ((await this.write("requeue", fence.taskId, () => store.requeue(fence, reason))) === false) await this.write("release", fence.taskId, () => store.releaseLease(fence));
  }

  private async execute(row: BackgroundTaskRow, entry: Running) {
    const { store, registry } = this.opts;
    const { fence } = entry;
    const control = registry.register(row.id);
    const { signal } = control.controller;
    const progress = new ProgressReporter((pct, stage) => store.reportProgress(fence, pct, stage), this.opts.progressIntervalMs);
    let outcome: { ok: true; value: TaskOutcome } | { ok: false; err: unknown };
    try {
      const definition = this.opts.types.get(row.type);
      if (!definition) throw new TaskFailure("unknown_type", `This server does not know how to run tasks of type "${row.type}".`);
      const parsed = definition.payloadSchema.safeParse(row.payload);
      if (!parsed.success) throw new TaskFailure("invalid_payload", `The task's input is invalid: ${parsed.error.issues[0]?.message}`);

      const ctx: TaskContext<unknown> = {
        taskId: row.id,
        userId: row.userId,
        payload: parsed.data,
        attempt: row.attempts,
        signal,
        progress: (pct, stage) => progress.report(pct, stage),
        runWorker: (script, options) => runWorker(control, script, options),
        runChild: (command, args, options) => runChild(control, command, args, options),
        adoptChild: (child) => registry.adopt(control, child),
      };
      outcome = { ok: true, value: await definition.run(ctx) };
    } catch (err) {
      outcome = { ok: false, err };
    }
    await progress.settle();

    // The slot is held until the work has really stopped: every child exited, every thread terminated.
    const stoppingSince = Date.now();
    await registry.release(row.id);
    const reason = signal.reason;
    const why = !signal.aborted ? "finished" : reason instanceof ShutdownAbort ? "shutdown" : reason instanceof LeaseLostAbort ? "lease_lost" : "cancelled";
    this.events.emit("stopped", { taskId: row.id, userId: row.userId, reason: why, stoppingMs: Date.now() - stoppingSince });

    if (entry.lost || why === "lease_lost") return; // not ours any more: nothing to write, nothing to release
    const release = async () => {
      await this.write("release", row.id, () => store.releaseLease(fence));
    };
    if (why === "shutdown") return this.handBack(fence, "shutdown");
    if (why === "cancelled") return release();

    if (outcome.ok) {
      const result = outcome.value;
      try {
        const completed = await this.write("complete", row.id, () => store.complete(fence, result), true);
        // Refused: cancelled meanwhile (the lease is still ours until given back) or no longer this attempt's.
        if (completed === false) await release();
        return;
      } catch (err) {
        outcome = { ok: false, err }; // the job's own writes failed for good: the task fails
      }
    }
    const err = outcome.err;
    if (!TaskFailure.is(err) && isRetryableDbError(err) && row.attempts < this.opts.maxAttempts) {
      // The database went away under the job (a restart, a failover, a dropped connection): not the
      // task's fault, so it runs again rather than failing, within its attempts.
      this.log(`task ${row.id} (${row.type}) lost the database (${message(err)}); it goes back to the queue`);
      return this.handBack(fence, "database_unavailable");
    }
    if (!TaskFailure.is(err)) this.log(`task ${row.id} (${row.type}) failed: ${err instanceof Error ? err.stack : String(err)}`);
    const failed = await this.write("fail", row.id, () => store.fail(fence, toTaskError(err)));
    if (failed === false) await release();
  }
}

/**
 * Coalesces progress writes: a new stage goes out at once, percentages at most once per interval, the
 * latest value winning. Writes are sent one after another so they land in order.
 */
export class ProgressReporter {
  private pending: { pct: number; stage: string | null } | null = null;
  private lastSent: { pct: number; stage: string | null } | null = null;
  private lastWriteAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly write: (pct: number, stage: string | null) => Promise<boolean>,
    private readonly intervalMs: number,
  ) {}

  report(percent: number, stage?: string) {
    if (this.closed) return;
    const pct = Math.max(0, Math.min(100, Math.round(Number.isFinite(percent) ? percent : 0)));
    const next = { pct, stage: stage ?? this.pending?.stage ?? this.lastSent?.stage ?? null };
    if (this.lastSent && !this.pending && next.pct === this.lastSent.pct && next.stage === this.lastSent.stage) return;
    this.pending = next;
    // A new stage is written at once; percentages within a stage are coalesced.
    const stageChanged = next.stage !== (this.lastSent?.stage ?? null);
    if (stageChanged) {
      if (this.timer) clearTimeout(this.timer);
      this.flush();
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.lastWriteAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush() {
    this.timer = null;
    const value = this.pending;
    this.pending = null;
    if (!value || this.closed) return;
    this.lastWriteAt = Date.now();
    this.lastSent = value;
    this.chain = this.chain.then(() => this.write(value.pct, value.stage)).catch(() => false);
  }

  /** Drops what is not yet sent and waits for what is. */
  async settle() {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
    await this.chain;
  }
}
