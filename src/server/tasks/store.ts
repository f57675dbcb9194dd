import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, not, or, sql } from "drizzle-orm";
import { rowsOf, type Database, type Executor, type Transaction } from "../db/client";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { backgroundTask as bt, taskClock, taskInputFile, taskTombstone, type BackgroundTaskRow } from "../db/schema";
import { AppError, conflict, notFound } from "../errors";
import {
  ACTIVE_STATUSES,
  FINISHED_STATUSES,
  type BackgroundTask,
  type TaskError,
  type TaskSyncResponse,
} from "../../shared/tasks";
import { TaskEngineEvents, type TaskCancelEvent, type TaskChangeEvent, type TaskEventBus } from "./events";
import type { InputFileDirectory } from "./input-files";

export interface StoreLimits {
  historyLimit: number;
  activeLimit: number;
}

/** Identifies one attempt of a task held by one runner: every write the runner makes carries it. */
export interface TaskFence {
  taskId: string;
  userId: string;
  owner: string;
  attempt: number;
}

export interface NewTask {
  id: string;
  type: string;
  title: string;
  payload: unknown;
  /** An input file (an uploaded PDF), stored with the task and dropped when it finishes. */
  inputFile?: InputFile;
}

export interface InputFile {
  fileName: string;
  contentType: string;
  data: Uint8Array;
}

const GLOBAL_CLAIM_LOCK = 7_412_094;

/** Thrown inside a transaction to roll it back when nothing changed, carrying what to return instead. */
class NoChange<T> {
  constructor(readonly value: T) {}
}

export function toTaskDto(row: BackgroundTaskRow): BackgroundTask {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    status: row.status,
    progress: row.progress,
    stage: row.stage,
    // No payload: it is the worker's input, never shown (see BackgroundTask).
    result: row.result ?? null,
    error: row.errorMessage ? { message: row.errorMessage, code: row.errorCode ?? "error" } : null,
    deviceId: row.deviceId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    cancelRequestedAt: row.cancelRequestedAt,
    attempts: row.attempts,
    version: row.version,
  };
}

const activeStatuses = [...ACTIVE_STATUSES];
const finishedStatuses = [...FINISHED_STATUSES];

/**
 * The only place where task rows change. Every change runs in a transaction that first takes the
 * user's clock row (lock + next version), then makes a compare-and-set on the task's status, and
 * publishes its events only after the commit.
 */
export class TaskStore {
  constructor(
    readonly db: Database,
    private readonly bus: TaskEventBus,
    private readonly limits: StoreLimits,
    private readonly now: () => number = Date.now,
    /** Lifecycle events (claimed, progress, completed, cancelled…): nobody listens by default. */
    readonly events: TaskEngineEvents = new TaskEngineEvents(),
  ) {}

  /** Input files' bytes on disk rather than in the database (the embedded database: see input-files.ts). */
  private inputFiles: InputFileDirectory | null = null;

  keepInputFilesIn(files: InputFileDirectory): Promise<void> {
    this.inputFiles = files;
    return files.sweep(async (ids) => {
      if (ids.length === 0) return new Set();
      const rows = await this.db.select({ taskId: taskInputFile.taskId }).from(taskInputFile).where(inArray(taskInputFile.taskId, ids));
      return new Set(rows.map((r) => r.taskId));
    });
  }

  // ---------- the user's clock ----------

  /**
   * Locks the user's clock row until commit and returns the next version. With `startedAt`, also records
   * that one of the user's tasks started (round-robin claims).
   */
  private async nextVersion(tx: Transaction, userId: string, startedAt?: number): Promise<number> {
    const [row] = await tx
      .insert(taskClock)
      .values({ userId, version: 1, lastStartedAt: startedAt ?? null })
      .onConflictDoUpdate({
        target: taskClock.userId,
        set: startedAt === undefined ? { version: sql`${taskClock.version} + 1` } : { version: sql`${taskClock.version} + 1`, lastStartedAt: startedAt },
      })
      .returning({ version: taskClock.version });
    return row!.version;
  }

  /**
   * Runs `fn` in a transaction with the user's next version, then publishes its changes.
   * `fn` throws NoChange to roll back (no version is used up) and return a value anyway.
   */
  private async mutate<T>(
    userId: string,
    fn: (tx: Transaction, version: number, changes: TaskChangeEvent[], cancels: TaskCancelEvent[]) => Promise<T>,
  ): Promise<T> {
    const changes: TaskChangeEvent[] = [];
    const cancels: TaskCancelEvent[] = [];
    let value: T;
    const at = this.now();
    try {
      value = await this.db.transaction(async (tx) => {
        changes.length = 0;
        cancels.length = 0;
        const result = await fn(tx, await this.nextVersion(tx, userId), changes, cancels);
        // Other processes hear of the changes and cancels at this commit, and only if it commits.
        await this.bus.notifyInTransaction?.((q) => tx.execute(q), changes.map((c) => ({ ...c, at })), cancels);
        return result;
      });
    } catch (err) {
      if (err instanceof NoChange) return err.value as T;
      throw err;
    }
    for (const change of changes) this.bus.publishChange({ ...change, at });
    for (const cancel of cancels) this.bus.publishCancel(cancel);
    return value;
  }

  // ---------- reads ----------

  async get(userId: string, taskId: string): Promise<BackgroundTask | null> {
    const [row] = await this.db.select().from(bt).where(and(eq(bt.id, taskId), eq(bt.userId, userId)));
    return row ? toTaskDto(row) : null;
  }

  private async clockOf(db: Executor, userId: string) {
    const [clock] = await db
      .select({ version: taskClock.version, floor: taskClock.tombstoneFloor })
      .from(taskClock)
      .where(eq(taskClock.userId, userId));
    return clock ?? { version: 0, floor: 0 };
  }

  /**
   * Runs the reads of one sync answer in one snapshot (REPEATABLE READ, READ ONLY): the clock, the rows
   * and the tombstones are all as of the same instant, so the clock read there is an exact cursor. Read
   * in separate statements on a pool, a change could commit between them and be skipped forever.
   */
  private snapshot<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(fn, { isolationLevel: "repeatable read", accessMode: "read only" });
  }

  /** The user's tasks, newest first, with a cursor for later deltas. */
  async list(userId: string): Promise<TaskSyncResponse> {
    return this.snapshot((tx) => this.listIn(tx, userId));
  }

  private async listIn(tx: Transaction, userId: string): Promise<TaskSyncResponse> {
    const clock = await this.clockOf(tx, userId);
    const rows = await tx
      .select()
      .from(bt)
      .where(eq(bt.userId, userId))
      .orderBy(desc(bt.createdAt), desc(bt.seq))
      .limit(this.limits.historyLimit);
    return { cursor: String(clock.version), full: true, tasks: rows.map(toTaskDto), deleted: [] };
  }

  /** What changed since `since`: changed tasks and deleted ids, or a full list when the cursor is unusable. */
  async changesSince(userId: string, since: number): Promise<TaskSyncResponse> {
    const idle = { cursor: String(since), full: false, tasks: [], deleted: [] };
    // An idle poll reads the clock alone: one statement is one snapshot.
    if (since === (await this.clockOf(this.db, userId)).version) return idle;
    return this.snapshot(async (tx) => {
      const clock = await this.clockOf(tx, userId);
      if (since === clock.version) return idle;
      // A cursor from the future (another database) or older than the pruned tombstones cannot be trusted.
      if (since > clock.version || since < clock.floor) return this.listIn(tx, userId);
      const rows = await tx
        .select()
        .from(bt)
        .where(and(eq(bt.userId, userId), gt(bt.version, since)))
        .orderBy(asc(bt.version));
      const tombstones = await tx
        .select({ taskId: taskTombstone.taskId })
        .from(taskTombstone)
        .where(and(eq(taskTombstone.userId, userId), gt(taskTombstone.version, since)));
      return { cursor: String(clock.version), full: false, tasks: rows.map(toTaskDto), deleted: tombstones.map((t) => t.taskId) };
    });
  }

  // ---------- user actions ----------

  /**
   * Creates a task, or returns the existing one when the same user sends the same id again.
   * Within the same transaction: the active-task cap is checked and the history cap enforced.
   */
  async create(userId: string, task: NewTask, deviceId: string | null): Promise<{ task: BackgroundTask; created: boolean }> {
    const [one] = await this.createMany(userId, [task], deviceId);
    return one!;
  }

  /** Creates several tasks all at once or none of them (one transaction, one cap check). */
  async createMany(userId: string, tasks: NewTask[], deviceId: string | null): Promise<{ task: BackgroundTask; created: boolean }[]> {
    // Files go to disk before the transaction; a task that turns out to exist already leaves its copy unused.
    const files = this.inputFiles;
    const staged = new Map<string, string>();
    if (files) for (const t of tasks) if (t.inputFile) staged.set(t.id, await files.stage(t.inputFile.data));
    try {
      return await this.createManyIn(userId, tasks, deviceId, staged);
    } finally {
      for (const p of staged.values()) await files?.discard(p);
    }
  }

  private createManyIn(userId: string, tasks: NewTask[], deviceId: string | null, staged: Map<string, string>) {
    return this.mutate(userId, async (tx, version, changes) => {
      const results: { task: BackgroundTask; created: boolean }[] = [];
      const fresh: NewTask[] = [];
      for (const task of tasks) {
        const existing = await this.findOwned(tx, task.id, userId);
        if (existing) results.push({ task: toTaskDto(existing), created: false });
        else fresh.push(task);
      }
      if (fresh.length === 0) throw new NoChange(results);

      const [{ active }] = (await tx
        .select({ active: sql<number>`count(*)::int` })
        .from(bt)
        .where(and(eq(bt.userId, userId), inArray(bt.status, activeStatuses)))) as [{ active: number }];
      if (active + fresh.length > this.limits.activeLimit) {
        const room = Math.max(0, this.limits.activeLimit - active);
        throw new AppError(
          429,
          "too_many_active_tasks",
          `You already have ${active} tasks queued or running (the limit is ${this.limits.activeLimit})${fresh.length > 1 ? `, so ${fresh.length} more do not fit (room for ${room})` : ""}. Wait for some to finish or cancel them, then try again.`,
        );
      }

      const now = this.now();
      for (const task of fresh) {
        const [row] = await tx
          .insert(bt)
          .values({
            id: task.id,
            userId,
            type: task.type,
            title: task.title,
            status: "queued",
            payload: task.payload ?? {},
            deviceId,
            createdAt: now,
            updatedAt: now,
            version,
          })
          .onConflictDoNothing({ target: bt.id })
          .returning();
        if (!row) {
          // Another user's task has this id: say so without revealing anything about it.
          throw conflict("A task with this id already exists. Use a new id.", "task_id_taken");
        }
        await tx.delete(taskTombstone).where(and(eq(taskTombstone.userId, userId), eq(taskTombstone.taskId, task.id)));
        if (task.inputFile) {
          const { fileName, contentType, data } = task.inputFile;
          const onDisk = staged.get(task.id);
          await tx.insert(taskInputFile).values({ taskId: row.id, fileName, contentType, sizeBytes: data.byteLength, data: onDisk ? new Uint8Array(0) : data });
          if (onDisk) {
            await this.inputFiles!.place(onDisk, row.id);
            staged.delete(task.id);
          }
        }
        const dto = toTaskDto(row);
        changes.push({ userId, taskId: row.id, version, kind: "upsert", task: dto, claimable: true });
        results.push({ task: dto, created: true });
      }

      await this.enforceHistoryCap(tx, userId, version, now, changes);
      const order = new Map(tasks.map((t, i) => [t.id, i]));
      return results.sort((a, b) => order.get(a.task.id)! - order.get(b.task.id)!);
    });
  }

  private async findOwned(tx: Transaction, taskId: string, userId: string) {
    const [row] = await tx.select().from(bt).where(eq(bt.id, taskId));
    if (row && row.userId !== userId) throw conflict("A task with this id already exists. Use a new id.", "task_id_taken");
    return row;
  }

  /** Deletes the oldest finished tasks beyond the history limit. Active tasks are never dropped. */
  private async enforceHistoryCap(
    tx: Transaction,
    userId: string,
    version: number,
    now: number,
    changes: TaskChangeEvent[],
  ) {
    // Rows already being deleted (their work is stopping) do not count: they are on their way out.
    const [{ total }] = (await tx
      .select({ total: sql<number>`count(*)::int` })
      .from(bt)
      .where(and(eq(bt.userId, userId), eq(bt.deletePending, false)))) as [{ total: number }];
    const excess = total - this.limits.historyLimit;
    if (excess <= 0) return;
    const oldest = await tx
      .select({ id: bt.id })
      .from(bt)
      .where(and(eq(bt.userId, userId), inArray(bt.status, finishedStatuses), eq(bt.deletePending, false)))
      .orderBy(asc(bt.createdAt), asc(bt.seq))
      .limit(excess);
    await this.deleteWithTombstones(
      tx,
      userId,
      oldest.map((r) => r.id),
      version,
      now,
      changes,
    );
  }

  /**
   * Deletes finished tasks, leaving tombstones. A finished task whose work is still stopping (a cancelled
   * task whose runner still holds the lease, and with it the user's slot) is only marked: it is deleted
   * when the lease is given back (releaseLease, or recovery). Returns the ids deleted or marked.
   */
  private async deleteWithTombstones(
    tx: Transaction,
    userId: string,
    taskIds: string[],
    version: number,
    now: number,
    changes: TaskChangeEvent[],
  ): Promise<string[]> {
    if (taskIds.length === 0) return [];
    const marked = await tx
      .update(bt)
      .set({ deletePending: true })
      .where(and(eq(bt.userId, userId), inArray(bt.id, taskIds), isNotNull(bt.leaseOwner)))
      .returning({ id: bt.id });
    const deleted = await tx
      .delete(bt)
      .where(and(eq(bt.userId, userId), inArray(bt.id, taskIds), isNull(bt.leaseOwner)))
      .returning({ id: bt.id });
    if (deleted.length > 0) {
      await tx
        .insert(taskTombstone)
        .values(deleted.map((d) => ({ taskId: d.id, userId, version, deletedAt: now })))
        .onConflictDoUpdate({ target: [taskTombstone.userId, taskTombstone.taskId], set: { version, deletedAt: now } });
    }
    for (const d of deleted) changes.push({ userId, taskId: d.id, version, kind: "delete" });
    return [...deleted, ...marked].map((d) => d.id);
  }

  /**
   * Cancels a queued or running task at once; a running task's work is told to stop in the same moment.
   * Cancelling a cancelled task again is harmless; a completed or failed one is a 409.
   */
  /**
   * Cancels a queued or running task at once; a running task's work is told to stop in the same moment
   * (the cancel notification is sent from inside the cancelling transaction). The user sees `cancelled`
   * now; internally the task is "stopping" while its runner still holds the lease, and its slot frees
   * only when the work has stopped. Cancelling a cancelled task again is harmless; a completed or failed
   * one is a 409.
   */
  async cancel(userId: string, taskId: string, deviceId: string | null): Promise<BackgroundTask> {
    const { task, wasRunning } = await this.mutate(userId, async (tx, version, changes, cancels) => {
      const row = await this.cancelIn(tx, userId, taskId, deviceId, version, changes, cancels);
      if (row) return { task: toTaskDto(row), wasRunning: row.startedAt !== null };
      const [current] = await tx.select().from(bt).where(and(eq(bt.id, taskId), eq(bt.userId, userId)));
      if (!current) throw notFound("Task not found.", "task_not_found");
      if (current.status === "cancelled") throw new NoChange({ task: toTaskDto(current), wasRunning: false });
      throw conflict(`The task has already ${current.status === "completed" ? "completed" : "failed"}; it cannot be cancelled.`, "task_finished", {
        status: current.status,
      });
    });
    this.events.emit("cancelled", { taskId, userId, wasRunning });
    return task;
  }

  /** The cancelling compare-and-set: the row if it was active, with its cancel queued for the runners. */
  private async cancelIn(
    tx: Transaction,
    userId: string,
    taskId: string,
    deviceId: string | null,
    version: number,
    changes: TaskChangeEvent[],
    cancels: TaskCancelEvent[],
  ): Promise<BackgroundTaskRow | undefined> {
    const now = this.now();
    const [row] = await tx
      .update(bt)
      .set({
        status: "cancelled",
        cancelRequestedAt: now,
        finishedAt: now,
        updatedAt: now,
        deviceId: sql`coalesce(${deviceId}, ${bt.deviceId})`,
        version,
      })
      .where(and(eq(bt.id, taskId), eq(bt.userId, userId), inArray(bt.status, activeStatuses)))
      .returning();
    if (!row) return undefined;
    await this.dropInputFile(tx, taskId);
    changes.push({ userId, taskId, version, kind: "upsert", task: toTaskDto(row) });
    if (row.startedAt !== null) cancels.push({ taskId });
    return row;
  }

  /**
   * Deletes one task. An active one is cancelled first, in the same transaction; if its work is running,
   * the row stays (cancelled, holding its slot) until the work has stopped, and is deleted then.
   */
  async delete(userId: string, taskId: string): Promise<void> {
    const wasRunning = await this.mutate(userId, async (tx, version, changes, cancels) => {
      const [row] = await tx.select().from(bt).where(and(eq(bt.id, taskId), eq(bt.userId, userId)));
      if (!row) throw notFound("Task not found.", "task_not_found");
      if (row.deletePending) throw new NoChange(false); // already on its way out
      // A queued task has no work to stop: it is simply deleted.
      const cancelled = row.status === "running" ? await this.cancelIn(tx, userId, taskId, null, version, changes, cancels) : undefined;
      await this.deleteWithTombstones(tx, userId, [taskId], version, this.now(), changes);
      return cancelled?.startedAt != null;
    });
    if (wasRunning) this.events.emit("cancelled", { taskId, userId, wasRunning });
  }

  /** Deletes the user's finished tasks (all, or those among `taskIds`). Active tasks are left alone. */
  async purge(userId: string, taskIds?: string[]): Promise<number> {
    if (taskIds?.length === 0) return 0;
    return this.mutate(userId, async (tx, version, changes) => {
      const finished = await tx
        .select({ id: bt.id })
        .from(bt)
        .where(
          and(
            eq(bt.userId, userId),
            inArray(bt.status, finishedStatuses),
            taskIds ? inArray(bt.id, taskIds) : undefined,
          ),
        );
      if (finished.length === 0) throw new NoChange(0);
      const deleted = await this.deleteWithTombstones(tx, userId, finished.map((r) => r.id), version, this.now(), changes);
      return deleted.length;
    });
  }

  // ---------- runner operations (fenced by owner and attempt) ----------

  /**
   * Claims a queued task for `owner`, round-robin across users: each user's oldest queued task (FIFO within
   * a user) competes, and the user whose last task started longest ago goes first, so one user's long
   * queue delays another user's task by at most one run per slot. Only users under the per-user limit are
   * candidates. A user's busy count is the tasks holding a LIVE lease, including cancelled ones whose work
   * is still stopping, so a slot frees only when the work has really ended; an expired lease counts for
   * nothing (the runner re-queues expired tasks before claiming). `exclude`: tasks this runner still runs
   * locally (a zombie attempt), never claimed again until that work has stopped.
   */
  async claimNext(owner: string, perUserLimit: number, leaseMs: number, globalLimit = 0, exclude: string[] = []): Promise<BackgroundTaskRow | null> {
    // Measured (npm run bench:claims, 30 users × 20 queued, loaded 2-core machine): the round-robin candidate
    // query takes ~9 ms against ~2 ms for a global FIFO one; a newcomer's task starts after at most one task
    // per other user (30) instead of after all 600.
    const now = this.now();
    const notExcluded = exclude.length > 0 ? sql`and q.id not in (${sql.join(exclude.map((id) => sql`${id}`), sql`, `)})` : sql``;
    const candidates = rowsOf<{ id: string; user_id: string }>(
      await this.db.execute(sql`
        with heads as (
          select distinct on (q.user_id) q.id, q.user_id, q.created_at, q.seq
          from ${bt} as q
          where q.status = 'queued' ${notExcluded}
          order by q.user_id, q.created_at, q.seq
        )
        select h.id, h.user_id
        from heads h left join ${taskClock} as c on c.user_id = h.user_id
        where (select count(*) from ${bt} as busy
               where busy.user_id = h.user_id and busy.lease_owner is not null and busy.lease_expires_at > ${now}) < ${perUserLimit}
        order by coalesce(c.last_started_at, 0), h.created_at, h.seq
        limit 10`),
    );
    for (const candidate of candidates) {
      const claimed = await this.tryClaim(candidate.id, candidate.user_id, owner, perUserLimit, leaseMs, globalLimit);
      if (claimed) return claimed;
    }
    return null;
  }

  private async tryClaim(
    taskId: string,
    userId: string,
    owner: string,
    perUserLimit: number,
    leaseMs: number,
    globalLimit: number,
  ): Promise<BackgroundTaskRow | null> {
    const changes: TaskChangeEvent[] = [];
    try {
      const row = await this.db.transaction(async (tx) => {
        changes.length = 0;
        // The task row: another process claiming it right now makes us skip it, not wait.
        const [free] = await tx
          .select({ id: bt.id })
          .from(bt)
          .where(and(eq(bt.id, taskId), eq(bt.status, "queued")))
          .for("update", { skipLocked: true });
        if (!free) throw new NoChange(null);
        if (globalLimit > 0) {
          // A cluster-wide cap: claims take turns on one advisory lock to count the running tasks.
          await tx.execute(sql`select pg_advisory_xact_lock(${GLOBAL_CLAIM_LOCK})`);
          const [{ running }] = rowsOf<{ running: number }>(
            await tx.execute(sql`select count(*)::int as running from ${bt} where lease_owner is not null and lease_expires_at > ${this.now()}`),
          ) as [{ running: number }];
          if (running >= globalLimit) throw new NoChange(null);
        }
        // Another process claiming for this user right now: skip rather than wait.
        const [locked] = await tx
          .select({ version: taskClock.version })
          .from(taskClock)
          .where(eq(taskClock.userId, userId))
          .for("update", { skipLocked: true });
        if (!locked) throw new NoChange(null);
        const [{ busy }] = rowsOf<{ busy: number }>(
          await tx.execute(
            sql`select count(*)::int as busy from ${bt} where user_id = ${userId} and lease_owner is not null and lease_expires_at > ${this.now()}`,
          ),
        ) as [{ busy: number }];
        if (busy >= perUserLimit) throw new NoChange(null);

        const now = this.now();
        const version = await this.nextVersion(tx, userId, now);
        const [claimed] = await tx
          .update(bt)
          .set({
            status: "running",
            attempts: sql`${bt.attempts} + 1`,
            startedAt: now,
            updatedAt: now,
            progress: 0,
            stage: null,
            leaseOwner: owner,
            leaseExpiresAt: now + leaseMs,
            version,
          })
          .where(and(eq(bt.id, taskId), eq(bt.status, "queued")))
          .returning();
        if (!claimed) throw new NoChange(null);
        changes.push({ userId, taskId, version, kind: "upsert", task: toTaskDto(claimed), at: now });
        await this.bus.notifyInTransaction?.((q) => tx.execute(q), changes);
        return claimed;
      });
      for (const c of changes) this.bus.publishChange(c);
      this.events.emit("claimed", { taskId, userId, owner, attempt: row.attempts });
      return row;
    } catch (err) {
      if (err instanceof NoChange) return null;
      throw err;
    }
  }

  private fenced(f: TaskFence) {
    return and(eq(bt.id, f.taskId), eq(bt.status, "running"), eq(bt.leaseOwner, f.owner), eq(bt.attempts, f.attempt));
  }

  /**
   * One fenced transition of a running task: `set` is applied only while the task is still this attempt's
   * (running, under `f.owner`'s lease) and `where` holds; `after` runs in the same transaction with the
   * new row. False, with nothing written, when the task is no longer this attempt's.
   */
  private transition(
    f: TaskFence,
    set: (now: number) => PgUpdateSetSource<typeof bt>,
    opts: {
      where?: ReturnType<typeof sql>;
      before?: (tx: Transaction) => Promise<unknown>;
      after?: (tx: Transaction, row: BackgroundTaskRow) => Promise<unknown>;
      claimable?: boolean;
    } = {},
  ): Promise<BackgroundTaskRow | null> {
    return this.mutate(f.userId, async (tx, version, changes) => {
      const extra = await opts.before?.(tx);
      const now = this.now();
      const values = { ...set(now), updatedAt: now, version };
      if (extra !== undefined) Object.assign(values, { result: extra ?? null });
      const [row] = await tx
        .update(bt)
        .set(values)
        .where(and(this.fenced(f), opts.where))
        .returning();
      if (!row) throw new NoChange(null);
      await opts.after?.(tx, row);
      changes.push({ userId: f.userId, taskId: f.taskId, version, kind: "upsert", task: toTaskDto(row), claimable: opts.claimable });
      return row;
    });
  }

  /** Records progress; false when the task is no longer this attempt's to report on. */
  async reportProgress(f: TaskFence, progress: number, stage: string | null): Promise<boolean> {
    const row = await this.transition(f, () => ({ progress, stage }));
    if (row) this.events.emit("progress", { taskId: f.taskId, userId: f.userId, percent: progress, stage });
    return row !== null;
  }

  /**
   * Completes the task with its result, running `commit` (which writes the rows the job creates) in the
   * same transaction. All of it rolls back unless the task is still this attempt's, running, and not
   * cancelled, so a cancelled task never ends completed and never leaves a half-written result.
   */
  async complete(f: TaskFence, commit: (tx: Transaction) => Promise<unknown>): Promise<boolean> {
    const row = await this.transition(
      f,
      (now) => ({ status: "completed", progress: 100, finishedAt: now, leaseOwner: null, leaseExpiresAt: null }),
      {
        where: sql`${bt.cancelRequestedAt} is null`,
        before: async (tx) => (await commit(tx)) ?? null,
        after: (tx) => this.dropInputFile(tx, f.taskId),
        claimable: true,
      },
    );
    if (row) this.events.emit("completed", { taskId: f.taskId, userId: f.userId, attempt: f.attempt });
    return row !== null;
  }

  async fail(f: TaskFence, error: TaskError): Promise<boolean> {
    const row = await this.transition(
      f,
      (now) => ({ status: "failed", errorMessage: error.message, errorCode: error.code, finishedAt: now, leaseOwner: null, leaseExpiresAt: null }),
      { after: (tx) => this.dropInputFile(tx, f.taskId), claimable: true },
    );
    if (row) this.events.emit("failed", { taskId: f.taskId, userId: f.userId, attempt: f.attempt, code: error.code });
    return row !== null;
  }

  /** A finished task's input is no longer needed: a 10 MB PDF should not outlive its import. */
  private async dropInputFile(tx: Transaction, taskId: string) {
    await tx.delete(taskInputFile).where(eq(taskInputFile.taskId, taskId));
    await this.inputFiles?.remove(taskId);
  }

  /** The input file of a task (for its handler). */
  async inputFileOf(taskId: string): Promise<InputFile | null> {
    const [row] = await this.db.select().from(taskInputFile).where(eq(taskInputFile.taskId, taskId));
    if (!row) return null;
    const data = row.data.byteLength === 0 && row.sizeBytes > 0 && this.inputFiles ? await this.inputFiles.read(taskId) : new Uint8Array(row.data);
    return data ? { fileName: row.fileName, contentType: row.contentType, data } : null;
  }

  /**
   * Puts a task whose runner is shutting down back in the queue, for another runner; the interrupted
   * run does not count as an attempt.
   */
  async requeue(f: TaskFence): Promise<boolean> {
    const row = await this.transition(
      f,
      () => ({ status: "queued", attempts: sql`${bt.attempts} - 1`, progress: 0, stage: null, startedAt: null, leaseOwner: null, leaseExpiresAt: null }),
      { where: sql`${bt.cancelRequestedAt} is null`, claimable: true },
    );
    if (row) this.events.emit("requeued", { taskId: f.taskId, userId: f.userId, reason: "shutdown" });
    return row !== null;
  }

  /**
   * Gives up the lease once the work has really stopped (after a cancel): frees the user's slot, and
   * deletes the task if the user deleted it meanwhile. False when the lease was no longer held.
   */
  async releaseLease(f: TaskFence): Promise<boolean> {
    const released = await this.mutate(f.userId, async (tx, version, changes) => {
      const [row] = await tx
        .update(bt)
        .set({ leaseOwner: null, leaseExpiresAt: null, version })
        .where(and(eq(bt.id, f.taskId), eq(bt.leaseOwner, f.owner), eq(bt.attempts, f.attempt)))
        .returning();
      if (!row) throw new NoChange(false);
      if (row.deletePending) await this.deleteWithTombstones(tx, f.userId, [f.taskId], version, this.now(), changes);
      else changes.push({ userId: f.userId, taskId: f.taskId, version, kind: "upsert", task: toTaskDto(row) });
      // Whatever was sent, it tells runners a slot is free.
      for (const c of changes) c.claimable = true;
      return true;
    });
    if (released) this.events.emit("slotFreed", { taskId: f.taskId, userId: f.userId, owner: f.owner });
    return released;
  }

  /**
   * Renews the leases `owner` holds on `taskIds` in one query (running tasks, and cancelled ones whose
   * work is still stopping). Returns, per task still held, whether a cancel was requested; a task missing
   * from the answer has been lost.
   */
  async renewLeases(owner: string, taskIds: string[], leaseMs: number) {
    if (taskIds.length === 0) return [];
    return this.db
      .update(bt)
      .set({ leaseExpiresAt: this.now() + leaseMs })
      .where(and(eq(bt.leaseOwner, owner), inArray(bt.id, taskIds)))
      .returning({ id: bt.id, attempts: bt.attempts, cancelRequestedAt: bt.cancelRequestedAt, status: bt.status });
  }

  /** Which of these tasks are still running with no cancel recorded: the work of the others should stop. */
  async stillWanted(taskIds: string[]): Promise<Set<string>> {
    if (taskIds.length === 0) return new Set();
    const rows = await this.db
      .select({ id: bt.id })
      .from(bt)
      .where(and(inArray(bt.id, taskIds), eq(bt.status, "running"), sql`${bt.cancelRequestedAt} is null`));
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Takes back the tasks whose runner died or could not finish its bookkeeping: with `everything`, every
   * leased or running task (the embedded database has a single process, so at boot they are all orphans);
   * otherwise running tasks whose lease expired or that have no lease at all. Each is re-queued while it has
   * attempts left, and failed with `reason` after that. Cancelled tasks whose stopping work died with its
   * runner give their slot back (and are deleted if the user deleted them).
   */
  async recoverOrphans(opts: { everything: boolean; maxAttempts: number; reason: TaskError }): Promise<number> {
    const now = this.now();
    const lost = (t: typeof bt) => (opts.everything ? undefined : or(isNull(t.leaseOwner), lt(t.leaseExpiresAt, now)));
    const orphans = await this.db
      .select({ id: bt.id, userId: bt.userId, attempts: bt.attempts })
      .from(bt)
      .where(and(eq(bt.status, "running"), lost(bt)));

    let recovered = 0;
    for (const orphan of orphans) {
      const requeue = orphan.attempts < opts.maxAttempts;
      const done = await this.mutate(orphan.userId, async (tx, version, changes) => {
        const [row] = await tx
          .update(bt)
          .set(
            requeue
              ? { status: "queued", progress: 0, stage: null, startedAt: null, leaseOwner: null, leaseExpiresAt: null, updatedAt: now, version }
              : {
                  status: "failed",
                  errorMessage: opts.reason.message,
                  errorCode: opts.reason.code,
                  finishedAt: now,
                  leaseOwner: null,
                  leaseExpiresAt: null,
                  updatedAt: now,
                  version,
                },
          )
          .where(and(eq(bt.id, orphan.id), eq(bt.status, "running"), eq(bt.attempts, orphan.attempts), lost(bt)))
          .returning();
        if (!row) throw new NoChange(false);
        if (!requeue) await this.dropInputFile(tx, orphan.id);
        changes.push({ userId: orphan.userId, taskId: orphan.id, version, kind: "upsert", task: toTaskDto(row), claimable: true });
        return true;
      });
      if (done) {
        recovered++;
        this.events.emit("recovered", { taskId: orphan.id, userId: orphan.userId, outcome: requeue ? "requeued" : "failed" });
      }
    }

    // Finished (cancelled) tasks whose stopping work died with its runner: their slot is free again.
    const stale = await this.db
      .select({ id: bt.id, userId: bt.userId, owner: bt.leaseOwner, attempts: bt.attempts, deletePending: bt.deletePending })
      .from(bt)
      .where(and(inArray(bt.status, finishedStatuses), isNotNull(bt.leaseOwner), opts.everything ? undefined : lt(bt.leaseExpiresAt, now)));
    for (const row of stale) {
      const fence = { taskId: row.id, userId: row.userId, owner: row.owner!, attempt: row.attempts };
      const released = await this.mutate(row.userId, async (tx, version, changes) => {
        const [freed] = await tx
          .update(bt)
          .set({ leaseOwner: null, leaseExpiresAt: null, version })
          .where(and(eq(bt.id, fence.taskId), eq(bt.leaseOwner, fence.owner), eq(bt.attempts, fence.attempt), not(eq(bt.status, "running")), lost(bt)))
          .returning();
        if (!freed) throw new NoChange(false);
        if (freed.deletePending) await this.deleteWithTombstones(tx, row.userId, [row.id], version, now, changes);
        else changes.push({ userId: row.userId, taskId: row.id, version, kind: "upsert", task: toTaskDto(freed) });
        for (const c of changes) c.claimable = true;
        return true;
      });
      if (released) {
        recovered++;
        this.events.emit("recovered", { taskId: row.id, userId: row.userId, outcome: row.deletePending ? "deleted" : "released" });
      }
    }
    return recovered;
  }

  /** Drops tombstones older than `ttlMs`; cursors older than what was dropped get a full resync. */
  async pruneTombstones(ttlMs: number): Promise<number> {
    const cutoff = this.now() - ttlMs;
    const result = await this.db.execute(sql`
      with pruned as (
        delete from ${taskTombstone} where ${taskTombstone.deletedAt} < ${cutoff}
        returning ${taskTombstone.userId} as user_id, ${taskTombstone.version} as version
      ), floors as (
        select user_id, max(version) as floor, count(*)::int as n from pruned group by user_id
      ), updated as (
        update ${taskClock} set tombstone_floor = greatest(${taskClock.tombstoneFloor}, floors.floor)
        from floors where ${taskClock.userId} = floors.user_id
        returning 1
      )
      select coalesce(sum(n), 0)::int as pruned from floors`);
    return rowsOf<{ pruned: number }>(result)[0]?.pruned ?? 0;
  }
}
