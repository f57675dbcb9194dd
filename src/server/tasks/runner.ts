import { randomUUID } from "node:crypto";
import type { BackgroundTaskRow } from "../db/schema";
import { adoptChild, runChild, runWorker } from "./context";
import type { TaskEventBus } from "./events";
import type { TaskProcessRegistry } from "./registry";
import type { TaskFence, TaskStore } from "./store";
import { TaskFailure, toTaskError, type TaskContext, type TaskTypes } from "./types";

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
  /** How often to look for queued tasks that no event announced (created by another process). */
  pollMs?: number;
  ownerId?: string;
  log?: (message: string) => void;
}

/** The abort reason when this runner shuts down: the task is re-queued, not failed. */
export class ShutdownAbort extends Error {
  constructor() {
    super("The runner is shutting down.");
    this.name = "AbortError";
  }
}

const RESTART_REASON = { code: "interrupted", message: "The task was interrupted by a server restart." };
const LEASE_REASON = { code: "lease_expired", message: "The process running this task stopped responding." };

/** Starts queued tasks in FIFO order under the global and per-user limits, and sees each one to its end. */
export class TaskRunner {
  readonly ownerId: string;
  private readonly active = new Map<string, { fence: TaskFence; done: Promise<void> }>();
  private readonly leaseMs: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private started = false;
  private stopping = false;
  private filling = false;
  private fillAgain = false;
  private lastSweep = 0;

  constructor(private readonly opts: RunnerOptions) {
    this.ownerId = opts.ownerId ?? `runner-${randomUUID()}`;
    this.leaseMs = opts.leaseMs ?? 30_000;
  }

  private log(message: string) {
    (this.opts.log ?? console.error)(`[runner] ${message}`);
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
    await store.pruneTombstones(this.opts.tombstoneTtlMs);

    this.unsubscribe.push(
      bus.onChange((e) => {
        if (e.kind === "upsert") this.kick();
      }),
      bus.onCancel(({ taskId }) => this.opts.registry.abort(taskId)),
    );
    const every = (ms: number, fn: () => Promise<unknown> | void) => {
      const timer = setInterval(() => void Promise.resolve(fn()).catch((err) => this.log(String(err))), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.opts.pollMs ?? 1000, () => this.poll());
    every(this.opts.heartbeatMs ?? 5000, () => this.heartbeat());
    every(60 * 60 * 1000, () => store.pruneTombstones(this.opts.tombstoneTtlMs));
    this.kick();
  }

  /** Stops claiming, gives running tasks `graceMs` to finish, then stops them and waits until they have. */
  async stop(graceMs = 0): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const off of this.unsubscribe) off();
    const all = () => Promise.allSettled([...this.active.values()].map((a) => a.done));
    if (graceMs > 0) await Promise.race([all(), new Promise((r) => setTimeout(r, graceMs).unref())]);
    // What did not finish in time goes back to the queue, for another runner.
    for (const taskId of this.active.keys()) this.opts.registry.abort(taskId, new ShutdownAbort());
    await all();
  }

  /** Resolves once no task is running here (for scripts and tests). */
  async idle(): Promise<void> {
    while (this.active.size > 0 || this.filling) {
      await Promise.allSettled([...this.active.values()].map((a) => a.done));
      if (this.filling) await new Promise((r) => setTimeout(r, 5));
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
    this.filling = true;
    void this.fill().finally(() => {
      this.filling = false;
    });
  }

  private async fill() {
    try {
      do {
        this.fillAgain = false;
        while (!this.stopping && this.active.size < this.opts.concurrency) {
          const row = await this.opts.store.claimNext(this.ownerId, this.opts.perUserConcurrency, this.leaseMs, this.opts.globalConcurrency ?? 0);
          if (!row) break;
          this.launch(row);
        }
      } while (this.fillAgain && !this.stopping);
    } catch (err) {
      this.log(`claiming failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async poll() {
    this.kick();
    // Safety net for a missed cancel event: work on a task that was cancelled or deleted stops.
    const running = [...this.active.keys()];
    const wanted = await this.opts.store.stillWanted(running);
    for (const taskId of running) if (!wanted.has(taskId) && this.active.has(taskId)) this.opts.registry.abort(taskId);
    // Tasks of runners that died without releasing them (only possible with several processes).
    if (!this.opts.soleRunner && Date.now() - this.lastSweep >= this.leaseMs / 2) {
      this.lastSweep = Date.now();
      await this.opts.store.recoverOrphans({ everything: false, maxAttempts: this.opts.maxAttempts, reason: LEASE_REASON });
    }
  }

  /** Renews every lease this runner holds in one query; a lost lease or a recorded cancel stops the work. */
  private async heartbeat() {
    const held = [...this.active.values()].map((a) => a.fence);
    if (held.length === 0) return;
    const rows = await this.opts.store.renewLeases(this.ownerId, held.map((f) => f.taskId), this.leaseMs);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const fence of held) {
      const row = byId.get(fence.taskId);
      if (!row || row.attempts !== fence.attempt) this.opts.registry.abort(fence.taskId);
      else if (row.cancelRequestedAt !== null) this.opts.registry.abort(fence.taskId);
    }
  }

  private launch(row: BackgroundTaskRow) {
    const fence: TaskFence = { taskId: row.id, userId: row.userId, owner: this.ownerId, attempt: row.attempts };
    const done = this.execute(row, fence).finally(() => {
      this.active.delete(row.id);
      this.kick();
    });
    this.active.set(row.id, { fence, done });
  }

  private async execute(row: BackgroundTaskRow, fence: TaskFence) {
    const { store, registry } = this.opts;
    const control = registry.register(row.id);
    const { signal } = control.controller;
    const progress = new ProgressReporter((pct, stage) => store.reportProgress(fence, pct, stage), this.opts.progressIntervalMs);
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
        adoptChild: (child) => adoptChild(control, child),
      };
      const outcome = await definition.run(ctx);
      await progress.settle();
      // A cancel accepted meanwhile already made the task final; the complete below would be refused anyway.
      if (signal.reason instanceof ShutdownAbort) {
        await store.requeue(fence);
        return;
      }
      const completed =
        !signal.aborted && (await store.complete(fence, async (tx) => ("commit" in outcome ? outcome.commit(tx) : outcome.result)));
      if (!completed) await store.releaseLease(fence);
    } catch (err) {
      await progress.settle();
      if (signal.reason instanceof ShutdownAbort) {
        await store.requeue(fence).catch((e) => this.log(`re-queueing ${row.id}: ${String(e)}`));
        return;
      }
      const failed = !signal.aborted && (await store.fail(fence, toTaskError(err)).catch(() => false));
      if (!failed) await store.releaseLease(fence).catch((e) => this.log(`releasing ${row.id}: ${String(e)}`));
      if (!signal.aborted && !TaskFailure.is(err)) this.log(`task ${row.id} (${row.type}) failed: ${err instanceof Error ? err.stack : String(err)}`);
    } finally {
      registry.release(row.id);
    }
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
