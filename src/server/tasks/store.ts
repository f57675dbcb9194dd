import fs from "node:fs/promises";
import { and, asc, desc, eq, getTableColumns, gt, inArray, isNotNull, isNull, lt, not, or, sql } from "drizzle-orm";
import { executePrepared, rowsOf, type Database, type Executor, type Transaction } from "../db/client";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { backgroundTask as bt, deletedTask, taskClock, taskInputFile, taskTombstone, type BackgroundTaskRow } from "../db/schema";
import { AppError, badRequest, conflict, notFound } from "../errors";
import {
  ACTIVE_STATUSES,
  FINISHED_STATUSES,
  KEPT_INPUTS_PER_USER,
  MAX_TASK_STAGES,
  type BackgroundTask,
  type TaskError,
  type TaskSyncResponse,
} from "../../shared/tasks";
import { TaskEngineEvents, type TaskCancelEvent, type TaskChangeEvent, type TaskEventBus } from "./events";
import { InFlightBatcher } from "./batcher";
import type { InputFileDirectory } from "./input-files";
import type { TaskOutcome } from "./types";
import type { UserClocks } from "./user-clocks";

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
  /** What a title the UI builds in the reader's language is made of; absent: `title` was given. */
  titleParams?: Record<string, string> | null;
  payload: unknown;
  /** An input file (an uploaded PDF), stored with the task and dropped when it finishes. */
  inputFile?: InputFile;
}

/**
 * An input file: its bytes in memory, or a file on disk (an upload streamed there; the embedded database's
 * copy), which the store takes over when the task is created and which is read by the process that needs it.
 */
export type InputFile = { fileName: string; contentType: string } & ({ data: Uint8Array } | { path: string; sizeBytes: number });

const sizeOf = (file: InputFile) => ("path" in file ? file.sizeBytes : file.data.byteLength);

const GLOBAL_CLAIM_LOCK = 7_412_094;

/** Thrown inside a transaction to roll it back when nothing changed, carrying what to return instead. */
class NoChange<T> {
  constructor(readonly value: T) {}
}

const taskColumns = Object.entries(getTableColumns(bt));

/** A `background_task` row as the driver returned it from raw SQL (snake_case, bigints as text), typed. */
function rowFromDriver(raw: Record<string, unknown>): BackgroundTaskRow {
  const row: Record<string, unknown> = {};
  for (const [key, column] of taskColumns) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as BackgroundTaskRow;
}

export function toTaskDto(row: BackgroundTaskRow): BackgroundTask {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    titleParams: row.titleParams ?? null,
    status: row.status,
    progress: row.progress,
    stage: row.stage,
    stages: row.stages ?? [],
    // No payload: it is the worker's input, never shown (see BackgroundTask).
    result: row.result ?? null,
    error: row.errorMessage ? { message: row.errorMessage, code: row.errorCode ?? "error" } : null,
    deviceId: row.deviceId,
    inputKept: row.inputKept ?? false,
    createdByDeviceId: row.createdByDeviceId,
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
  /** Changes whose NOTIFY their own statement sent (mutate does not send them again). */
  private readonly announced = new WeakSet<TaskChangeEvent>();

  /** Users' clocks in memory (the app's; engines in tests read the database every time). */
  private clocks: UserClocks | null = null;

  /** Answers idle delta polls from `clocks` when it can vouch for the user's version (see user-clocks.ts). */
  useClocks(clocks: UserClocks): void {
    this.clocks = clocks;
  }

  /** The user's version as kept in memory, or null when only the database can tell. */
  knownVersion(userId: string): number | null {
    return this.clocks?.current(userId) ?? null;
  }

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
  private async mutate<T, P = undefined>(
    userId: string,
    fn: (tx: Transaction, version: number, changes: TaskChangeEvent[], cancels: TaskCancelEvent[], prepared: P) => Promise<T>,
    prepare?: (tx: Transaction) => Promise<P>,
  ): Promise<T> {
    const changes: TaskChangeEvent[] = [];
    const cancels: TaskCancelEvent[] = [];
    let value: T;
    const at = this.now();
    try {
      value = await this.db.transaction(async (tx) => {
        changes.length = 0;
        cancels.length = 0;
        // `prepare` runs in the transaction before the user's lock is taken: work that does not touch the
        // user's tasks (a job's own rows) then does not hold every other change of this user back.
        const prepared = (prepare ? await prepare(tx) : undefined) as P;
        const result = await fn(tx, await this.nextVersion(tx, userId), changes, cancels, prepared);
        // Other processes hear of the changes and cancels at this commit, and only if it commits (those a
        // statement announced itself are not sent twice).
        const unsent = changes.filter((c) => !this.announced.has(c));
        await this.bus.notifyInTransaction?.((q) => tx.execute(q), unsent.map((c) => ({ ...c, at })), cancels);
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
    const confirm = this.clocks?.begin(userId);
    const list = await this.snapshot((tx) => this.listIn(tx, userId));
    confirm?.(Number(list.cursor));
    return list;
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
    // An idle poll: answered from memory when the bus keeps the user's clock current there, else it reads
    // the clock alone (one statement is one snapshot).
    if (this.clocks?.current(userId) === since) return idle;
    const confirm = this.clocks?.begin(userId);
    const current = (await this.clockOf(this.db, userId)).version;
    confirm?.(current);
    if (since === current) return idle;
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
    // Files go to disk before the transaction (a file already on disk is taken over as it is); a task that
    // turns out to exist already leaves its copy unused. With PostgreSQL, a file on disk is read to go in the
    // database (node-postgres sends it without holding this event loop).
    const files = this.inputFiles;
    const staged = new Map<string, string>();
    const bytes = new Map<string, Uint8Array>();
    try {
      for (const t of tasks) {
        const file = t.inputFile;
        if (!file) continue;
        if ("path" in file) {
          if (files) staged.set(t.id, file.path);
          else bytes.set(t.id, new Uint8Array(await fs.readFile(file.path)));
        } else if (files) {
          staged.set(t.id, await files.stage(file.data));
        } else {
          bytes.set(t.id, file.data);
        }
      }
      return await this.createManyIn(userId, tasks, deviceId, staged, bytes);
    } finally {
      for (const p of staged.values()) await files?.discard(p);
    }
  }

  private createManyIn(userId: string, tasks: NewTask[], deviceId: string | null, staged: Map<string, string>, bytes: Map<string, Uint8Array>) {
    if (new Set(tasks.map((t) => t.id)).size !== tasks.length) throw badRequest("Each task needs its own id: the same id is given twice.", "duplicate_task_id");
    // Set-based: one select, one insert and one tombstone delete however many tasks (a batch of 40 made
    // 120 statements one task at a time).
    return this.mutate(userId, async (tx, version, changes) => {
      const existing = new Map<string, BackgroundTaskRow>();
      for (const row of await tx.select().from(bt).where(inArray(bt.id, tasks.map((t) => t.id)))) {
        if (row.userId !== userId) throw conflict("A task with this id already exists. Use a new id.", "task_id_taken");
        existing.set(row.id, row);
      }
      const fresh = tasks.filter((t) => !existing.has(t.id));
      const results: { task: BackgroundTask; created: boolean }[] = [...existing.values()].map((row) => ({ task: toTaskDto(row), created: false }));
      if (fresh.length === 0) throw new NoChange(results);

      // The active count (for the cap) and the history's size (for its bound) in one read.
      const [{ active, kept }] = (await tx
        .select({
          active: sql<number>`(count(*) filter (where ${inArray(bt.status, activeStatuses)}))::int`,
          kept: sql<number>`(count(*) filter (where ${bt.deletePending} = false))::int`,
        })
        .from(bt)
        .where(eq(bt.userId, userId))) as [{ active: number; kept: number }];
      if (active + fresh.length > this.limits.activeLimit) {
        const room = Math.max(0, this.limits.activeLimit - active);
        throw new AppError(
          429,
          "too_many_active_tasks",
          `You already have ${active} tasks queued or running (the limit is ${this.limits.activeLimit})${fresh.length > 1 ? `, so ${fresh.length} more do not fit (room for ${room})` : ""}. Wait for some to finish or cancel them, then try again.`,
        );
      }

      const now = this.now();
      // All the rows in one JSON parameter: building a 40-row VALUES list of 27 columns each took half of
      // this transaction's CPU in drizzle's query builder (and 1,000+ parameters for the server to parse).
      const input = fresh.map((task) => ({
        id: task.id,
        type: task.type,
        title: task.title,
        title_params: task.titleParams ?? null,
        payload: task.payload ?? {},
        input_kept: task.inputFile !== undefined,
      }));
      // Each new task is announced by the statement that inserts it (one round trip fewer before the commit).
      const notify = this.bus.changeNotifySql?.({ userId: sql`user_id`, taskId: sql`id`, version: sql`version`, at: now, claimable: true });
      const inserted = await tx.execute(sql`
        insert into ${bt} (id, user_id, type, title, title_params, status, payload, input_kept, device_id, created_by_device_id, created_at, updated_at, version)
        select r.id, ${userId}, r.type, r.title, r.title_params, 'queued', r.payload, r.input_kept, ${deviceId}::text, ${deviceId}::text, ${now}::bigint, ${now}::bigint, ${version}::bigint
        from jsonb_array_elements(${JSON.stringify(input)}::jsonb) with ordinality as e(value, ord)
        cross join lateral jsonb_to_record(e.value) as r(id uuid, type text, title text, title_params jsonb, payload jsonb, input_kept boolean)
        order by e.ord
        on conflict (id) do nothing
        returning *${notify ? sql`, ${notify} as notified` : sql``}`);
      const rows = rowsOf<Record<string, unknown>>(inserted).map(rowFromDriver);
      if (rows.length !== fresh.length) {
        // Another user's task took one of these ids meanwhile: say so without revealing anything about it.
        throw conflict("A task with this id already exists. Use a new id.", "task_id_taken");
      }
      await tx.delete(taskTombstone).where(and(eq(taskTombstone.userId, userId), inArray(taskTombstone.taskId, fresh.map((t) => t.id))));
      const byId = new Map(rows.map((row) => [row.id, row]));
      for (const task of fresh) {
        const row = byId.get(task.id)!;
        if (task.inputFile) {
          const { fileName, contentType } = task.inputFile;
          const onDisk = staged.get(task.id);
          const data = onDisk ? new Uint8Array(0) : bytes.get(task.id)!;
          await tx.insert(taskInputFile).values({ taskId: row.id, fileName, contentType, sizeBytes: sizeOf(task.inputFile), data });
          if (onDisk) {
            await this.inputFiles!.place(onDisk, row.id);
            staged.delete(task.id);
          }
        }
        const dto = toTaskDto(row);
        const change: TaskChangeEvent = { userId, taskId: row.id, version, kind: "upsert", task: dto, claimable: true };
        if (notify) this.announced.add(change);
        changes.push(change);
        results.push({ task: dto, created: true });
      }

      await this.enforceHistoryCap(tx, userId, version, now, changes, kept + rows.length);
      const order = new Map(tasks.map((t, i) => [t.id, i]));
      return results.sort((a, b) => order.get(a.task.id)! - order.get(b.task.id)!);
    });
  }

  /** Deletes the oldest finished tasks beyond the history limit. Active tasks are never dropped. */
  private async enforceHistoryCap(
    tx: Transaction,
    userId: string,
    version: number,
    now: number,
    changes: TaskChangeEvent[],
    /** The user's tasks not being deleted, when the caller already counted them. */
    counted?: number,
  ) {
    // Rows already being deleted (their work is stopping) do not count: they are on their way out.
    const total =
      counted ??
      ((await tx
        .select({ total: sql<number>`count(*)::int` })
        .from(bt)
        .where(and(eq(bt.userId, userId), eq(bt.deletePending, false)))) as [{ total: number }])[0].total;
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
      .returning({ id: bt.id, inputKept: bt.inputKept });
    // A kept input goes with its task (the row cascades; a file on disk is removed here).
    for (const d of deleted) if (d.inputKept) await this.inputFiles?.remove(d.id);
    if (deleted.length > 0) {
      await tx
        .insert(taskTombstone)
        .values(deleted.map((d) => ({ taskId: d.id, userId, version, deletedAt: now })))
        .onConflictDoUpdate({ target: [taskTombstone.userId, taskTombstone.taskId], set: { version, deletedAt: now } });
    }
    for (const d of deleted) changes.push({ userId, taskId: d.id, version, kind: "delete" });
    return [...deleted.map((d) => d.id), ...marked.map((d) => d.id)];
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
    if (row.inputKept) await this.keepInputForRetry(tx, userId, taskId, version, now, changes);
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
      const deleted = await this.deleteWithTombstones(tx, userId, [taskId], version, this.now(), changes);
      if (deleted.length > 0 && !cancelled && finishedStatuses.includes(row.status as (typeof finishedStatuses)[number])) {
        await this.keepForUndo(tx, userId, row);
      }
      return cancelled?.startedAt != null;
    });
    if (wasRunning) this.events.emit("cancelled", { taskId, userId, wasRunning });
  }

  // ---------- undo of a deletion ----------

  /** How long a deleted finished task can be brought back (the UI offers it for less). */
  static readonly UNDO_WINDOW_MS = 30_000;

  /** Keeps a deleted finished task for the undo window, and drops what is older than it (for every user). */
  private async keepForUndo(tx: Transaction, userId: string, row: BackgroundTaskRow) {
    const now = this.now();
    await tx.delete(deletedTask).where(lt(deletedTask.deletedAt, now - TaskStore.UNDO_WINDOW_MS));
    await tx
      .insert(deletedTask)
      .values({ taskId: row.id, userId, row, deletedAt: now })
      .onConflictDoUpdate({ target: [deletedTask.userId, deletedTask.taskId], set: { row, deletedAt: now } });
  }

  /**
   * Brings back a finished task deleted less than UNDO_WINDOW_MS ago, as it was, on every device (its
   * tombstone goes, the row comes back with a new version). 404 `undo_expired` once the window has passed.
   */
  async restore(userId: string, taskId: string, deviceId: string | null): Promise<BackgroundTask> {
    return this.mutate(userId, async (tx, version, changes) => {
      const now = this.now();
      const [kept] = await tx
        .delete(deletedTask)
        .where(and(eq(deletedTask.userId, userId), eq(deletedTask.taskId, taskId)))
        .returning();
      if (!kept || kept.deletedAt < now - TaskStore.UNDO_WINDOW_MS) {
        throw notFound("This task can no longer be restored: undo is possible for a few seconds after deleting it.", "undo_expired");
      }
      const { seq, ...was } = kept.row;
      void seq; // a new one: the restored task keeps its place by createdAt
      const [row] = await tx
        .insert(bt)
        .values({ ...was, userId, deviceId: deviceId ?? was.deviceId, inputKept: false, leaseOwner: null, leaseExpiresAt: null, deletePending: false, updatedAt: now, version })
        .onConflictDoNothing({ target: bt.id })
        .returning();
      if (!row) throw conflict("A task with this id exists again.", "task_id_taken");
      await tx.delete(taskTombstone).where(and(eq(taskTombstone.userId, userId), eq(taskTombstone.taskId, taskId)));
      const dto = toTaskDto(row);
      changes.push({ userId, taskId, version, kind: "upsert", task: dto });
      await this.enforceHistoryCap(tx, userId, version, now, changes);
      return dto;
    });
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
   * Claims queued tasks for `owner`, round-robin across users: each user's oldest queued task (FIFO within
   * a user) competes, and the user whose last task started longest ago goes first, so one user's long
   * queue delays another user's task by at most one run per slot. Only users under the per-user limit are
   * candidates. A user's busy count is the tasks holding a LIVE lease, including cancelled ones whose work
   * is still stopping, so a slot frees only when the work has really ended; an expired lease counts for
   * nothing (the runner re-queues expired tasks before claiming). `exclude`: tasks this runner still runs
   * locally (a zombie attempt), never claimed again until that work has stopped.
   *
   * Up to `max` tasks (the runner's free slots), one head per user, in one statement, one round trip and
   * one commit (with TASK_GLOBAL_CONCURRENCY: one task, after BEGIN and the advisory lock). How it stays
   * exact with no transaction around it, under READ COMMITTED:
   *  1. `queued_users` + `heads`: each user's oldest queued task, found by skipping through the per-user
   *     queue index (one probe per user, not a scan of every queued row);
   *  2. `ranked`: up to max + 9 candidates (users under the limit, least recently started first), with the
   *     version of the user's clock as the statement's snapshot saw it (`seen`). The busy count is the
   *     snapshot's too, so on its own it could be stale;
   *  3. `lock_user`: the first `max` candidates whose clock row (the per-user lock every change of the
   *     user's tasks takes) can be locked at once (SKIP LOCKED: a worker claiming or a user acting right
   *     now is passed over, never waited for, so claims never deadlock) AND whose clock is still at `seen`.
   *     Locking follows the row to its newest committed version and re-checks the condition on it: every
   *     change of a user's tasks (a claim, a finish, a cancel…) bumps the clock, so "still at `seen`" means
   *     that nothing changed for this user since the snapshot, hence that the snapshot's busy count is the
   *     true one, and it stays true while we hold the lock. One task per user per claim keeps the limit: a
   *     user under it by one gets one. A user whose clock moved is skipped (the runner claims again on the
   *     next wake-up), which can only under-claim, never exceed the limit;
   *  4. `lock_task`: those users' head tasks, SKIP LOCKED, still queued;
   *  5. `bumped` + `claimed`: each clock's next version and round-robin stamp, and the tasks moved to
   *     `running` under the lease with that version (the fence: owner and attempt), in the same statement,
   *     returned in round-robin order; the changes are NOTIFYed from it (delivered at its commit).
   * With a global cap, the statement runs after the cluster-wide advisory lock, in its transaction, so its
   * snapshot (taken after the lock) counts every lease granted before. The statement is prepared once per
   * connection (executePrepared), and its completion is grouped with others (completeResults).
   *
   * Why several per statement: on PostgreSQL a commit that sends NOTIFY holds a database-wide lock through
   * its WAL flush, so those commits run one at a time across the whole cluster (pg_stat_activity sampled
   * during bench:cluster: most active time in Lock:object and IO:WALSync). Throughput is then commits per
   * second times tasks per commit, and the only lever is the second factor.
   *
   * Measured in bench:cluster (2 workers × 8, 400 no-op tasks from 10 users created in 10 requests; local
   * PostgreSQL 15, 2-core machine, one session): one task per claim and one transaction per completion
   * (BEGIN, clock, task, COMMIT), 166-234 tasks/s; prepared claims with the index skip, 258-338;
   * completions in one statement, 258-283; claims of every free slot alone, 276-293; with completions
   * grouped as well, 397-629 (graphile-worker, same runs: 605-1,365 jobs/s). bench:claims: the claim alone,
   * p50, 2.5 ms on 30 users × 20 queued. Removing the busy filter lets three of a user's tasks run at once
   * across two runners (concurrency.test.ts, red); the `seen` check guards a window of a few milliseconds
   * that no test reproduces on demand.
   */
  async claim(owner: string, perUserLimit: number, leaseMs: number, globalLimit = 0, exclude: string[] = [], max = 1): Promise<BackgroundTaskRow[]> {
    const now = this.now();
    // Several at once, one head per user; under a cluster-wide cap one at a time, so the count stays exact.
    const take = globalLimit > 0 ? 1 : Math.max(1, Math.floor(max));
    const notExcluded = exclude.length > 0 ? sql`and h.id not in (${sql.join(exclude.map((id) => sql`${id}`), sql`, `)})` : sql``;
    const underGlobalCap =
      globalLimit > 0
        ? sql`and (select count(*) from ${bt} as g where g.lease_owner is not null and g.lease_expires_at > ${now}) < ${globalLimit}`
        : sql``;
    const notify = this.bus.changeNotifySql?.({ userId: sql`claimed.user_id`, taskId: sql`claimed.id`, version: sql`claimed.version`, at: now });
    const statement = sql`
      with recursive queued_users as (
        (select q.user_id from ${bt} as q where q.status = 'queued' order by q.user_id limit 1)
        union all
        select (select q.user_id from ${bt} as q where q.status = 'queued' and q.user_id > u.user_id order by q.user_id limit 1)
        from queued_users u where u.user_id is not null
      ), heads as (
        select h.id, h.user_id, h.created_at, h.seq
        from queued_users u cross join lateral (
          select h.id, h.user_id, h.created_at, h.seq from ${bt} as h
          where h.status = 'queued' and h.user_id = u.user_id ${notExcluded}
          order by h.created_at, h.seq
          limit 1
        ) h
      ), ranked as materialized (
        select h.id, h.user_id, c.version as seen, coalesce(c.last_started_at, 0) as last_started, h.created_at, h.seq
        from heads h join ${taskClock} as c on c.user_id = h.user_id
        where (select count(*) from ${bt} as busy
               where busy.user_id = h.user_id and busy.lease_owner is not null and busy.lease_expires_at > ${now}) < ${perUserLimit}
          ${underGlobalCap}
        order by coalesce(c.last_started_at, 0), h.created_at, h.seq
        limit ${sql.raw(String(take + 9))}
      ), lock_user as (
        select c.user_id, r.id, r.last_started, r.created_at, r.seq
        from ${taskClock} as c join ranked r on r.user_id = c.user_id
        where c.user_id = any(array(select user_id from ranked)) and c.version = r.seen
        order by r.last_started, r.created_at, r.seq
        limit ${sql.raw(String(take))}
        for update of c skip locked
      ), lock_task as (
        select t.id, t.user_id
        from ${bt} as t
        where t.id = any(array(select id from lock_user)) and t.status = 'queued'
        for update of t skip locked
      ), bumped as (
        update ${taskClock} as c set version = c.version + 1, last_started_at = ${now}
        where c.user_id = any(array(select user_id from lock_task))
        returning c.user_id, c.version
      ), claimed as (
        update ${bt} as t
        set status = 'running', attempts = t.attempts + 1, started_at = ${now}, updated_at = ${now}, progress = 0, stage = null, stages = '[]'::jsonb,
            lease_owner = ${owner}, lease_expires_at = ${now + leaseMs}, version = b.version
        from bumped b
        where t.id = any(array(select id from lock_task)) and b.user_id = t.user_id and t.status = 'queued'
        returning t.*
      )
      select claimed.*${notify ? sql`, ${notify} as notified` : sql``}
      from claimed join lock_user u on u.id = claimed.id
      order by u.last_started, u.created_at, u.seq`;
    const result =
      globalLimit > 0
        ? await this.db.transaction(async (tx) => {
            // A cluster-wide cap: claims take turns on one advisory lock to count the running tasks.
            await tx.execute(sql`select pg_advisory_xact_lock(${GLOBAL_CLAIM_LOCK})`);
            return tx.execute(statement);
          })
        : await executePrepared(this.db, statement);
    const rows = rowsOf<Record<string, unknown>>(result).map(rowFromDriver);
    for (const row of rows) {
      this.bus.publishChange({ userId: row.userId, taskId: row.id, version: row.version, kind: "upsert", task: toTaskDto(row), at: now });
      this.events.emit("claimed", { taskId: row.id, userId: row.userId, owner, attempt: row.attempts });
    }
    return rows;
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
      /** Runs first, in the transaction but before the user's lock (a job's own writes); rolled back with the rest. */
      before?: (tx: Transaction) => Promise<unknown>;
      after?: (tx: Transaction, row: BackgroundTaskRow, version: number, changes: TaskChangeEvent[]) => Promise<unknown>;
      /** The task's input file goes too, when it has one (most have none: no statement for them under the lock). */
      dropInputFile?: boolean;
      claimable?: boolean;
    } = {},
  ): Promise<BackgroundTaskRow | null> {
    if (!opts.before && !opts.after && !opts.dropInputFile) return this.transitionInOneStatement(f, set, opts);
    return this.mutate(
      f.userId,
      async (tx, version, changes, _cancels, extra) => {
        const now = this.now();
        const values = { ...set(now), updatedAt: now, version };
        if (extra !== undefined) Object.assign(values, { result: extra ?? null });
        // The change is announced by the statement that makes it (one round trip fewer under the user's lock).
        const notify = this.bus.changeNotifySql?.({ userId: sql`${bt.userId}`, taskId: sql`${bt.id}`, version: sql`${bt.version}`, at: now, claimable: opts.claimable });
        const [updated] = await tx
          .update(bt)
          .set(values)
          .where(and(this.fenced(f), opts.where))
          .returning({
            ...getTableColumns(bt),
            ...(opts.dropInputFile ? { hasInput: sql<boolean>`exists (select 1 from ${taskInputFile} where ${taskInputFile.taskId} = ${bt.id})` } : {}),
            ...(notify ? { notified: sql`${notify}` } : {}),
          });
        if (!updated) throw new NoChange(null);
        const { hasInput, notified, ...row } = updated as typeof updated & { hasInput?: boolean; notified?: unknown };
        void notified; // only sent, never read
        if (hasInput) await this.dropInputFile(tx, f.taskId);
        await opts.after?.(tx, row, version, changes);
        const change: TaskChangeEvent = { userId: f.userId, taskId: f.taskId, version, kind: "upsert", task: toTaskDto(row), claimable: opts.claimable };
        if (notify) this.announced.add(change);
        changes.push(change);
        return row;
      },
      opts.before,
    );
  }

  /**
   * The same transition in one statement (one round trip instead of four: BEGIN, the clock, the task,
   * COMMIT), for transitions with no writes of their own before or after (progress, a re-queue, a lease
   * given back; completions with a result only are grouped in completeResults). Under READ COMMITTED:
   *  1. `bumped` takes the user's clock lock and its next version, only if the task looks like this
   *     attempt's in the statement's snapshot (a fence that fails at once uses up no version);
   *  2. `updated` moves the task under the same fence. Its row is locked after the clock (the order every
   *     other change takes, so no deadlock) and, if a change committed meanwhile (a cancel), the fence is
   *     checked again on the newest row: a cancelled task is never completed. In that rare case the clock
   *     moved with no change, which costs a client an empty delta, nothing more.
   */
  private async transitionInOneStatement(
    f: TaskFence,
    set: (now: number) => PgUpdateSetSource<typeof bt>,
    opts: { where?: ReturnType<typeof sql>; claimable?: boolean },
  ): Promise<BackgroundTaskRow | null> {
    const now = this.now();
    const fence = and(this.fenced(f), opts.where)!;
    const update = this.db
      .update(bt)
      .set({ ...set(now), updatedAt: now, version: sql`(select version from bumped)` })
      .where(and(fence, sql`exists (select 1 from bumped)`))
      .returning();
    const notify = this.bus.changeNotifySql?.({ userId: sql`updated.user_id`, taskId: sql`updated.id`, version: sql`updated.version`, at: now, claimable: opts.claimable });
    const statement = sql`
      with bumped as (
        update ${taskClock} set version = ${taskClock.version} + 1
        where ${taskClock.userId} = ${f.userId} and exists (select 1 from ${bt} where ${fence})
        returning ${taskClock.version}
      ), updated as (${update.getSQL()})
      select updated.*${notify ? sql`, ${notify} as notified` : sql``} from updated`;
    const [raw] = rowsOf<Record<string, unknown>>(await executePrepared(this.db, statement));
    if (!raw) return null;
    const row = rowFromDriver(raw);
    this.bus.publishChange({ userId: f.userId, taskId: f.taskId, version: row.version, kind: "upsert", task: toTaskDto(row), claimable: opts.claimable, at: now });
    return row;
  }

  /** Completions with a result only, grouped while one is in flight (see completeResults). */
  private readonly completions = new InFlightBatcher<{ fence: TaskFence; result: unknown }, boolean>((items) => this.completeResults(items), 100);

  /**
   * Completes tasks that have a result and no rows of their own, in one statement and one commit, each
   * under its own fence (this attempt's, running, not cancelled): true for each task that completed.
   * Tasks that finish while the previous statement is in flight share the next one: on PostgreSQL, a
   * commit that sends NOTIFY holds a database-wide lock through its WAL flush, so one commit per task made
   * those flushes the limit of the whole cluster (seen in pg_stat_activity: most active time in
   * Lock:object and IO:WALSync).
   *  1. `locked`: the clocks of the users with a task that looks like this attempt's, locked in user
   *     order (two batches sharing users then never deadlock; every other change locks one user only);
   *  2. `bumped`: each of those users' next version, shared by that user's tasks of the batch;
   *  3. `updated`: the tasks, fenced again on their newest row once the locks are held (a cancel that
   *     committed meanwhile wins); `dropped`: their input files.
   */
  private async completeResults(items: { fence: TaskFence; result: unknown }[]): Promise<boolean[]> {
    const now = this.now();
    const input = sql.join(
      items.map(({ fence, result }) => sql`(${fence.taskId}::uuid, ${fence.owner}::text, ${fence.attempt}::int, ${result === null ? null : JSON.stringify(result)}::jsonb)`),
      sql`, `,
    );
    const fenced = sql`t.id = i.task_id and t.status = 'running' and t.lease_owner = i.owner and t.attempts = i.attempt and t.cancel_requested_at is null`;
    const notify = this.bus.changeNotifySql?.({ userId: sql`updated.user_id`, taskId: sql`updated.id`, version: sql`updated.version`, at: now, claimable: true });
    const statement = sql`
      with input (task_id, owner, attempt, result) as (values ${input}),
      locked as (
        select c.user_id from ${taskClock} as c
        where c.user_id = any(array(select t.user_id from ${bt} as t join input i on ${fenced} where t.id = any(array(select task_id from input))))
        order by c.user_id
        for update of c
      ), bumped as (
        update ${taskClock} as c set version = c.version + 1 where c.user_id = any(array(select user_id from locked))
        returning c.user_id, c.version
      ), updated as (
        update ${bt} as t
        set status = 'completed', progress = 100, finished_at = ${now}, lease_owner = null, lease_expires_at = null, input_kept = false,
            result = i.result, updated_at = ${now}, version = b.version
        from input i, bumped b
        where t.id = any(array(select task_id from input)) and ${fenced} and b.user_id = t.user_id
        returning t.*
      ), dropped as (
        delete from ${taskInputFile} as f using updated u where f.task_id = u.id returning f.task_id
      )
      select updated.*, updated.id in (select task_id from dropped) as dropped_input${notify ? sql`, ${notify} as notified` : sql``}
      from updated`;
    const rows = rowsOf<Record<string, unknown>>(await executePrepared(this.db, statement));
    const done = new Set<string>();
    for (const raw of rows) {
      const row = rowFromDriver(raw);
      done.add(row.id);
      if (raw.dropped_input) await this.inputFiles?.remove(row.id);
      this.bus.publishChange({ userId: row.userId, taskId: row.id, version: row.version, kind: "upsert", task: toTaskDto(row), claimable: true, at: now });
    }
    return items.map((i) => done.has(i.fence.taskId));
  }

  /** Records progress; false when the task is no longer this attempt's to report on. */
  async reportProgress(f: TaskFence, progress: number, stage: string | null): Promise<boolean> {
    // A new stage joins the timeline with its time (the old row's `stage` is what it follows), up to the bound.
    const row = await this.transition(f, (now) => ({
      progress,
      stage,
      stages:
        stage === null
          ? sql`${bt.stages}`
          : sql`case when ${bt.stage} is distinct from ${stage}::text and jsonb_array_length(${bt.stages}) < ${MAX_TASK_STAGES}
              then ${bt.stages} || jsonb_build_array(jsonb_build_object('stage', ${stage}::text, 'at', ${now}::bigint)) else ${bt.stages} end`,
    }));
    if (row) this.events.emit("progress", { taskId: f.taskId, userId: f.userId, percent: progress, stage });
    return row !== null;
  }

  /**
   * Completes the task with its result, running `commit` (which writes the rows the job creates) in the
   * same transaction. All of it rolls back unless the task is still this attempt's, running, and not
   * cancelled, so a cancelled task never ends completed and never leaves a half-written result.
   */
  async complete(f: TaskFence, outcome: TaskOutcome): Promise<boolean> {
    if ("result" in outcome) {
      const done = await this.completions.add({ fence: f, result: outcome.result ?? null });
      if (done) this.events.emit("completed", { taskId: f.taskId, userId: f.userId, attempt: f.attempt });
      return done;
    }
    const row = await this.transition(
      f,
      (now) => ({ status: "completed", progress: 100, finishedAt: now, leaseOwner: null, leaseExpiresAt: null, inputKept: false }),
      {
        where: sql`${bt.cancelRequestedAt} is null`,
        // The job's own rows are written in the same transaction as `completed`.
        before: async (tx) => (await outcome.commit(tx)) ?? null,
        dropInputFile: true,
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
      { after: (tx, row, version, changes) => (row.inputKept ? this.keepInputForRetry(tx, f.userId, f.taskId, version, row.finishedAt!, changes) : Promise.resolve()), claimable: true },
    );
    if (row) this.events.emit("failed", { taskId: f.taskId, userId: f.userId, attempt: f.attempt, code: error.code });
    return row !== null;
  }

  /** A finished task's input is no longer needed: a 10 MB PDF should not outlive its import. */
  private async dropInputFile(tx: Transaction, taskId: string) {
    await tx.delete(taskInputFile).where(eq(taskInputFile.taskId, taskId));
    await this.inputFiles?.remove(taskId);
  }

  /**
   * A failed or cancelled import keeps its file, so that any device can retry it; the user's older kept
   * files beyond KEPT_INPUTS_PER_USER are dropped (their tasks change: no retry from the server any more).
   * Runs under the user's clock lock, so the bound holds however many tasks end at once.
   */
  private async keepInputForRetry(tx: Transaction, userId: string, taskId: string, version: number, now: number, changes: TaskChangeEvent[]) {
    const older = await tx
      .select({ id: bt.id })
      .from(bt)
      .where(and(eq(bt.userId, userId), eq(bt.inputKept, true), inArray(bt.status, finishedStatuses), not(eq(bt.id, taskId))))
      .orderBy(desc(bt.finishedAt), desc(bt.seq))
      .offset(KEPT_INPUTS_PER_USER - 1);
    if (older.length === 0) return;
    const ids = older.map((r) => r.id);
    const rows = await tx.update(bt).set({ inputKept: false, updatedAt: now, version }).where(inArray(bt.id, ids)).returning();
    for (const row of rows) {
      await this.dropInputFile(tx, row.id);
      changes.push({ userId, taskId: row.id, version, kind: "upsert", task: toTaskDto(row) });
    }
  }

  /** What a task was created with (type, title, payload), for starting it again as a new task; null if not the user's. */
  async inputOf(userId: string, taskId: string): Promise<Pick<BackgroundTaskRow, "type" | "title" | "titleParams" | "payload" | "status"> | null> {
    const [row] = await this.db
      .select({ type: bt.type, title: bt.title, titleParams: bt.titleParams, payload: bt.payload, status: bt.status })
      .from(bt)
      .where(and(eq(bt.id, taskId), eq(bt.userId, userId)));
    return row ?? null;
  }

  /**
   * The kept input file of the user's finished task, as a new task takes it: on disk, a copy under a staging
   * name (creating the task moves it in, or discards it); else its bytes. Null when it is not kept.
   */
  async keptInputFor(userId: string, taskId: string): Promise<InputFile | null> {
    const [row] = await this.db
      .select({ fileName: taskInputFile.fileName, contentType: taskInputFile.contentType, sizeBytes: taskInputFile.sizeBytes, data: taskInputFile.data })
      .from(taskInputFile)
      .innerJoin(bt, eq(bt.id, taskInputFile.taskId))
      .where(and(eq(bt.id, taskId), eq(bt.userId, userId), eq(bt.inputKept, true)));
    if (!row) return null;
    const { fileName, contentType, sizeBytes } = row;
    if (!this.inputFiles || row.data.byteLength > 0 || sizeBytes === 0) return { fileName, contentType, data: row.data };
    const copy = await this.inputFiles.copyToStaging(taskId);
    return copy ? { fileName, contentType, path: copy, sizeBytes } : null;
  }

  /**
   * The input file of a task (for its handler): on disk for the embedded database (its path: the bytes are
   * read by whoever needs them, never here), else its bytes from the database.
   */
  async inputFileOf(taskId: string): Promise<InputFile | null> {
    const [row] = await this.db.select().from(taskInputFile).where(eq(taskInputFile.taskId, taskId));
    if (!row) return null;
    const { fileName, contentType, sizeBytes } = row;
    // On disk, the row's bytes are empty (a row from before files moved to disk still has them).
    if (!this.inputFiles || row.data.byteLength > 0 || sizeBytes === 0) return { fileName, contentType, data: row.data };
    const file = await this.inputFiles.locate(taskId);
    return file ? { fileName, contentType, path: file, sizeBytes } : null;
  }

  /**
   * Puts the task back in the queue, for any runner. A shutdown does not use up an attempt (the work was only
   * interrupted); a run that the database's loss broke does, so that an outage cannot loop a task forever.
   */
  async requeue(f: TaskFence, reason: "shutdown" | "database_unavailable" = "shutdown"): Promise<boolean> {
    const attempts = reason === "shutdown" ? sql`${bt.attempts} - 1` : sql`${bt.attempts}`;
    const row = await this.transition(
      f,
      () => ({ status: "queued", attempts, progress: 0, stage: null, stages: [], startedAt: null, leaseOwner: null, leaseExpiresAt: null }),
      { where: sql`${bt.cancelRequestedAt} is null`, claimable: true },
    );
    if (row) this.events.emit("requeued", { taskId: f.taskId, userId: f.userId, reason });
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
              ? { status: "queued", progress: 0, stage: null, stages: [], startedAt: null, leaseOwner: null, leaseExpiresAt: null, updatedAt: now, version }
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
        if (!requeue && row.inputKept) await this.keepInputForRetry(tx, orphan.userId, orphan.id, version, now, changes);
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
