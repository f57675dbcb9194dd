/**
 * How a device's view of the tasks absorbs what the server says. Pure functions: no React, no fetch.
 * - Tasks are merged by id and the higher version wins: the server alone moves a status, so its newer
 *   copy is right even when it goes "backwards" (a re-queued task, running → queued). An older copy
 *   arriving late (a push frame after a newer poll) is ignored.
 * - Deleted ids are remembered with the version that deleted them, until a full list confirms, so a stale
 *   copy never brings a deleted task back.
 * - A task started here shows at once (status `queued`, under the id the client chose) until the server
 *   confirms it; one whose request has ended without the server confirming it within GHOST_AFTER_MS is
 *   shown as failed, with a retry. While its request is still in flight (a slow upload) it stays pending.
 * - A full list replaces everything the server knows about; deletions remove tasks.
 */
import type { BackgroundTask, TaskSyncResponse } from "@/shared/tasks";

export const GHOST_AFTER_MS = 10_000;

export interface LocalTask extends BackgroundTask {
  /** Started on this device and not yet seen on the server. */
  pending?: boolean;
  /** Its creation request has not answered yet (an upload can take long): never a ghost meanwhile. */
  inFlight?: boolean;
  /** Never confirmed by the server: shown as failed, with a retry. */
  ghost?: boolean;
  /** How to send it again (for a ghost). */
  retry?: { url: string; init: { method: string; body?: string } };
}

export type TaskMap = ReadonlyMap<string, LocalTask>;

/** Deleted task ids, each with the version that deleted it (Infinity: deleted here, not yet confirmed). */
export type DeletedIds = ReadonlyMap<string, number>;

/** How many deleted ids are remembered at most between two full lists. */
const DELETED_MEMORY = 2000;

/** The server's copy of a task, unless ours is newer. */
export function mergeTask(local: LocalTask | undefined, incoming: BackgroundTask): LocalTask {
  if (!local || local.pending || local.ghost) return incoming;
  if (incoming.version < local.version) return local;
  return incoming;
}

/**
 * Whether `task` is a copy of a task deleted since: deleted here with the request not yet answered
 * (always), or deleted at a version at least as new (in a delta; a full list is the whole truth).
 */
function isDeleted(deleted: DeletedIds | undefined, task: BackgroundTask, full = false): boolean {
  const at = deleted?.get(task.id);
  if (at === undefined) return false;
  return at === Infinity || (!full && at >= task.version);
}

export function applySync(
  tasks: TaskMap,
  res: Pick<TaskSyncResponse, "full" | "tasks" | "deleted">,
  deleted?: DeletedIds,
): Map<string, LocalTask> {
  const next = new Map<string, LocalTask>();
  if (!res.full) for (const [id, t] of tasks) next.set(id, t);
  else for (const [id, t] of tasks) if (t.pending || t.ghost) next.set(id, t); // not on the server yet
  for (const t of res.tasks) if (!isDeleted(deleted, t, res.full)) next.set(t.id, mergeTask(tasks.get(t.id), t));
  for (const id of res.deleted) next.delete(id);
  return next;
}

/** One pushed change. */
export function applyChange(
  tasks: TaskMap,
  change: { taskId: string; kind: "upsert" | "delete"; task: BackgroundTask | null },
  deleted?: DeletedIds,
): Map<string, LocalTask> {
  const next = new Map(tasks);
  if (change.kind === "delete") next.delete(change.taskId);
  else if (change.task && !isDeleted(deleted, change.task)) next.set(change.task.id, mergeTask(tasks.get(change.task.id), change.task));
  return next;
}

/**
 * The deleted ids to remember after a sync answer: a full list confirms every deletion the server has
 * made (the memory starts over, keeping only deletions made here whose request has not answered); a
 * delta's deletions are remembered at its cursor.
 */
export function rememberDeleted(deleted: DeletedIds, res: Pick<TaskSyncResponse, "full" | "deleted" | "cursor">): Map<string, number> {
  if (res.full) return new Map([...deleted].filter(([, version]) => version === Infinity));
  const next = new Map(deleted);
  for (const id of res.deleted) next.set(id, Number(res.cursor));
  return trim(next);
}

/**
 * Remembers one deletion: from a push frame (at its version), or made here (Infinity: hidden whatever
 * arrives until the server's answer says at which version it was deleted).
 */
export function rememberDeletion(deleted: DeletedIds, taskId: string, version = Infinity): Map<string, number> {
  const next = new Map(deleted);
  const before = next.get(taskId);
  if (version === Infinity) next.set(taskId, before ?? Infinity);
  else next.set(taskId, before === undefined || before === Infinity ? version : Math.max(before, version));
  return trim(next);
}

/** Forgets a deletion made here that the server refused (the task shows again). */
export function forgetDeletion(deleted: DeletedIds, taskId: string): Map<string, number> {
  const next = new Map(deleted);
  if (next.get(taskId) === Infinity) next.delete(taskId);
  return next;
}

function trim(deleted: Map<string, number>): Map<string, number> {
  for (const id of deleted.keys()) {
    if (deleted.size <= DELETED_MEMORY) break;
    deleted.delete(id);
  }
  return deleted;
}

/** A task started here, shown before the server answers. */
export function optimisticTask(
  id: string,
  type: string,
  title: string,
  deviceId: string,
  retry: LocalTask["retry"],
  now = Date.now(),
  titleParams: Record<string, string> | null = null,
): LocalTask {
  return {
    id,
    type,
    title,
    titleParams,
    status: "queued",
    progress: 0,
    stage: null,
    stages: [],
    inputKept: false,
    result: null,
    error: null,
    deviceId,
    createdByDeviceId: deviceId,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
    cancelRequestedAt: null,
    attempts: 0,
    version: 0,
    pending: true,
    inFlight: true,
    retry,
  };
}

/** Pending tasks whose request has ended and that are older than GHOST_AFTER_MS become ghosts: failed, with a retry. */
export function markGhosts(tasks: TaskMap, now = Date.now()): Map<string, LocalTask> | null {
  let changed = false;
  const next = new Map(tasks);
  for (const [id, t] of tasks) {
    if (t.pending && !t.inFlight && now - t.createdAt >= GHOST_AFTER_MS) {
      next.set(id, { ...t, pending: false, ghost: true, status: "failed", error: { code: "not_confirmed", message: "The server never confirmed this task." } });
      changed = true;
    }
  }
  return changed ? next : null;
}

export const isActive = (t: BackgroundTask) => t.status === "queued" || t.status === "running";
