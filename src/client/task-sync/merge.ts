/**
 * How a device's view of the tasks absorbs what the server says. Pure functions: no React, no fetch.
 * - Tasks are merged by id; a newer version wins, and a status never moves backwards.
 * - A task started here shows at once (status `queued`, under the id the client chose) until the server
 *   confirms it; one the server has not confirmed within GHOST_AFTER_MS is shown as failed, with a retry.
 * - A full list replaces everything the server knows about; deletions remove tasks.
 */
import type { BackgroundTask, TaskStatus, TaskSyncResponse } from "@/shared/tasks";

export const GHOST_AFTER_MS = 10_000;

export interface LocalTask extends BackgroundTask {
  /** Started on this device and not yet seen on the server. */
  pending?: boolean;
  /** Never confirmed by the server: shown as failed, with a retry. */
  ghost?: boolean;
  /** How to send it again (for a ghost). */
  retry?: { url: string; init: { method: string; body?: string } };
}

export type TaskMap = ReadonlyMap<string, LocalTask>;

const RANK: Record<TaskStatus, number> = { queued: 0, running: 1, completed: 2, failed: 2, cancelled: 2 };

/** The server's version of a task, unless it would move the task backwards. */
export function mergeTask(local: LocalTask | undefined, incoming: BackgroundTask): LocalTask {
  if (!local || local.pending || local.ghost) return incoming;
  if (incoming.version < local.version) return local;
  if (RANK[incoming.status] < RANK[local.status]) return local;
  return incoming;
}

export function applySync(tasks: TaskMap, res: Pick<TaskSyncResponse, "full" | "tasks" | "deleted">): Map<string, LocalTask> {
  const next = new Map<string, LocalTask>();
  if (!res.full) for (const [id, t] of tasks) next.set(id, t);
  else for (const [id, t] of tasks) if (t.pending || t.ghost) next.set(id, t); // not on the server yet
  for (const t of res.tasks) next.set(t.id, mergeTask(tasks.get(t.id), t));
  for (const id of res.deleted) next.delete(id);
  return next;
}

/** One pushed change. */
export function applyChange(tasks: TaskMap, change: { taskId: string; kind: "upsert" | "delete"; task: BackgroundTask | null }): Map<string, LocalTask> {
  const next = new Map(tasks);
  if (change.kind === "delete") next.delete(change.taskId);
  else if (change.task) next.set(change.task.id, mergeTask(tasks.get(change.task.id), change.task));
  return next;
}

/** A task started here, shown before the server answers. */
export function optimisticTask(id: string, type: string, title: string, deviceId: string, retry: LocalTask["retry"], now = Date.now()): LocalTask {
  return {
    id,
    type,
    title,
    status: "queued",
    progress: 0,
    stage: null,
    result: null,
    error: null,
    deviceId,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
    cancelRequestedAt: null,
    attempts: 0,
    version: 0,
    pending: true,
    retry,
  };
}

/** Pending tasks older than GHOST_AFTER_MS become ghosts: failed, with a retry. */
export function markGhosts(tasks: TaskMap, now = Date.now()): Map<string, LocalTask> | null {
  let changed = false;
  const next = new Map(tasks);
  for (const [id, t] of tasks) {
    if (t.pending && now - t.createdAt >= GHOST_AFTER_MS) {
      next.set(id, { ...t, pending: false, ghost: true, status: "failed", error: { code: "not_confirmed", message: "The server never confirmed this task." } });
      changed = true;
    }
  }
  return changed ? next : null;
}

export const isActive = (t: BackgroundTask) => t.status === "queued" || t.status === "running";
