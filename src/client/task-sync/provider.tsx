"use client";

/**
 * The browser's live view of the user's tasks. Sources, all merged by task id:
 * - the push channel (one EventSource per browser, relayed to every tab), applied as it arrives;
 * - a cursor poll every 3 s, the safety net when pushes cannot get through (idle polls are tiny);
 * - an immediate sync after cancel, delete and purge, on reconnect, and when the tab becomes visible.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { api, ApiError, deviceId } from "@/client/api";
import type { JobOffer } from "@/shared/cv";
import { generateTitleParams, importTitleParams, TASK_TITLES } from "@/shared/task-titles";
import { isActiveStatus, type BackgroundTask, type TaskResponse, type TaskSyncResponse } from "@/shared/tasks";
import {
  applyChange,
  applySync,
  forgetDeletion,
  markGhosts,
  optimisticTask,
  rememberDeleted,
  rememberDeletion,
  type DeletedIds,
  type LocalTask,
  type TaskMap,
} from "./merge";
import { onceAcrossTabs, PushChannel, type PushMessage } from "./push";

export const POLL_MS = 3000;

/** What a task's title is built from (see useTaskTitle). */
export type TitleSource = Pick<BackgroundTask, "type" | "title" | "titleParams">;

export interface Toast {
  id: string;
  taskId: string;
  /**
   * "rejected": the server refused an action of this page (shown in this tab only, with its reason);
   * "deleted": this page deleted a finished task, which can be brought back for a few seconds (Undo).
   */
  status: "completed" | "failed" | "cancelled" | "rejected" | "deleted";
  /** The task the toast is about (null for an action on no task, like Clear finished); `more`: how many others with it. */
  task: TitleSource | null;
  more?: number;
  /** The CV a completed task made: the toast links to it. */
  cvId?: string | null;
  /** For "rejected": the server's stable error code and its (English) message, the fallback for unknown codes. */
  code?: string;
  message?: string;
}

/** How a creation request ended: the caller keeps its inputs and shows the reason unless it is ok. */
export type SendResult = { ok: true } | { ok: false; offline: true } | { ok: false; offline: false; code: string; message: string };

interface TaskSyncValue {
  tasks: LocalTask[];
  activeCount: number;
  connected: boolean;
  /** Increases whenever an import or a generation completes: CV lists refresh on it. */
  cvRevision: number;
  deviceId: string;
  toasts: Toast[];
  dismissToast(id: string): void;
  startImport(file: File): Promise<SendResult>;
  startGenerate(cvId: string, offers: JobOffer[]): Promise<SendResult>;
  cancel(taskId: string): Promise<void>;
  remove(taskId: string): Promise<void>;
  purge(): Promise<void>;
  retry(taskId: string): Promise<void>;
  /** Cancels every queued or running task of the account. */
  cancelAll(): Promise<void>;
  /** Undoes the deletion of a finished task (for a few seconds after it): it comes back on every device. */
  restore(taskId: string): Promise<void>;
  /** Finished tasks that history trimming removed while this page was open (the oldest go first). */
  trimmed: number;
  historyLimit: number;
  /** Whether Retry can start this task again here (a ghost, or a failed import whose file this page still holds). */
  canRetry(task: LocalTask): boolean;
  syncNow(): Promise<void>;
  error: string | null;
}

const TaskSyncContext = createContext<TaskSyncValue | null>(null);

const CV_JOBS = new Set(["import-pdf", "generate-cv"]);

/** The CV a completed CV-producing task made, from its result. */
export function cvIdOf(task: Pick<BackgroundTask, "result">): string | null {
  const result = task.result as { cvId?: unknown } | null;
  return typeof result?.cvId === "string" ? result.cvId : null;
}

const titleOf = (task: TitleSource): TitleSource => ({ type: task.type, title: task.title, titleParams: task.titleParams });

/** Where the user's opt-in to desktop notifications is kept (the browser's permission alone is not consent per tab). */
export const NOTIFY_KEY = "cv-tasks.notify";

export function BackgroundTasksProvider({ children, historyLimit, notify }: { children: ReactNode; historyLimit: number; notify?: (task: LocalTask, status: string) => void }) {
  const [tasks, setTasks] = useState<Map<string, LocalTask>>(new Map());
  const [connected, setConnected] = useState(false);
  const [cvRevision, setCvRevision] = useState(0);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [error, setError] = useState<string | null>(null);
  // localStorage exists only in the browser; the id is shown only after mount.
  const [device] = useState(() => (typeof window === "undefined" ? "" : deviceId()));
  const tasksRef = useRef<TaskMap>(tasks);
  /** Ids deleted since the last full list: a stale copy arriving late must not bring them back. */
  const deletedRef = useRef<DeletedIds>(new Map());
  /**
   * The files of imports started in this page, kept while the page lives so that a failed import can be
   * sent again (other devices, and this one after a reload, have no file: no Retry there).
   */
  const filesRef = useRef(new Map<string, File>());
  const cursor = useRef<string | null>(null);
  const syncing = useRef<Promise<void> | null>(null);
  const syncAgain = useRef(false);
  /** Statuses as this page has known them: toasts only for changes seen after it loaded. */
  const seen = useRef<Map<string, string> | null>(null);
  const loadedAt = useRef(0);
  /** Ids this page deleted itself: any other finished task that disappears while the history is full was trimmed. */
  const deletedHere = useRef(new Set<string>());
  const [trimmed, setTrimmed] = useState(0);
  const notifyRef = useRef(notify);
  useEffect(() => {
    notifyRef.current = notify;
  }, [notify]);

  /** Replaces the state and notices what finished since we last looked. */
  const commit = useCallback((next: Map<string, LocalTask>) => {
    const known = seen.current;
    const before = tasksRef.current;
    if (known && before.size >= historyLimit) {
      let gone = 0;
      for (const [id, task] of before) if (!next.has(id) && !deletedHere.current.has(id) && !isActiveStatus(task.status) && !task.ghost) gone++;
      if (gone > 0) setTrimmed((n) => n + gone);
    }
    if (known) {
      for (const task of next.values()) {
        const before = known.get(task.id);
        const wasActive = before === undefined ? task.createdAt >= loadedAt.current - 1000 : before === "queued" || before === "running";
        if (wasActive && !isActiveStatus(task.status) && !(task as LocalTask).ghost) {
          const status = task.status as Exclude<Toast["status"], "rejected">;
          if (status === "completed" && CV_JOBS.has(task.type)) setCvRevision((r) => r + 1);
          void onceAcrossTabs(`${task.id}:${status}`, () => {
            setToasts((list) => [...list.slice(-4), { id: `${task.id}:${status}`, taskId: task.id, status, task: titleOf(task), cvId: cvIdOf(task) }]);
            notifyRef.current?.(task, status);
          });
        }
      }
    }
    const statuses = new Map<string, string>();
    for (const task of next.values()) {
      statuses.set(task.id, task.status);
      // A kept file is for a retry: not needed once its import has completed or was cancelled.
      if (task.status === "completed" || task.status === "cancelled") filesRef.current.delete(task.id);
    }
    seen.current = statuses;
    tasksRef.current = next;
    setTasks(next);
  }, [historyLimit]);

  const syncNow = useCallback(async () => {
    if (syncing.current) {
      syncAgain.current = true;
      return syncing.current;
    }
    const run = (async () => {
      do {
        syncAgain.current = false;
        try {
          const res = await api<TaskSyncResponse>(`/api/background-tasks/sync${cursor.current ? `?since=${cursor.current}` : ""}`);
          cursor.current = res.cursor;
          if (res.full || res.tasks.length || res.deleted.length) commit(applySync(tasksRef.current, res, deletedRef.current));
          deletedRef.current = rememberDeleted(deletedRef.current, res);
          setError(null);
        } catch (err) {
          setError(err instanceof Error ? err.message : String(err));
        }
      } while (syncAgain.current);
    })();
    syncing.current = run;
    try {
      await run;
    } finally {
      syncing.current = null;
    }
  }, [commit]);

  // First load, the poll, ghost detection, and syncs when the tab becomes visible again.
  useEffect(() => {
    loadedAt.current = Date.now();
    void syncNow();
    const poll = setInterval(() => void syncNow(), POLL_MS);
    const ghosts = setInterval(() => {
      const next = markGhosts(tasksRef.current);
      if (next) commit(next);
    }, 1000);
    const onVisible = () => document.visibilityState === "visible" && void syncNow();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      clearInterval(poll);
      clearInterval(ghosts);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [syncNow, commit]);

  // The push channel.
  useEffect(() => {
    const channel = new PushChannel(() => cursor.current);
    let wasConnected = false;
    const off = channel.on((m: PushMessage) => {
      if (m.type === "status") {
        setConnected(m.connected);
        if (m.connected && !wasConnected) void syncNow(); // reconnected: catch up through the cursor
        wasConnected = m.connected;
      } else if (m.type === "resync") {
        void syncNow(); // the server may have missed notifications: catch up through the cursor
      } else if (m.type === "sync") {
        commit(applySync(tasksRef.current, m.delta, deletedRef.current));
        deletedRef.current = rememberDeleted(deletedRef.current, m.delta);
      } else {
        commit(applyChange(tasksRef.current, m, deletedRef.current));
        if (m.kind === "delete") deletedRef.current = rememberDeletion(deletedRef.current, m.taskId, m.version);
        // Never let the cursor pass a change we have not merged: only the poll moves it.
      }
    });
    channel.start();
    return () => {
      off();
      channel.stop();
    };
  }, [commit, syncNow]);

  const addOptimistic = useCallback(
    (task: LocalTask) => {
      const next = new Map(tasksRef.current);
      next.set(task.id, task);
      commit(next);
    },
    [commit],
  );

  const confirm = useCallback(
    (confirmed: BackgroundTask[]) => {
      const next = new Map(tasksRef.current);
      // The creation's answer may be older than what the push or the poll brought meanwhile.
      for (const task of confirmed) {
        const known = next.get(task.id);
        next.set(task.id, known && !known.pending && !known.ghost && known.version > task.version ? known : { ...task, pending: false, inFlight: false, ghost: false });
      }
      commit(next);
    },
    [commit],
  );

  /** Tells this tab that the server refused one of its actions, whether or not the task center is open. */
  const reject = useCallback((err: ApiError, task: TitleSource | null, key: string, more = 0) => {
    setError(err.message);
    setToasts((list) => [
      ...list.filter((toast) => toast.id !== `rejected:${key}`).slice(-4),
      { id: `rejected:${key}`, taskId: key, status: "rejected", task, more, code: err.code, message: err.message },
    ]);
  }, []);

  /**
   * Sends a creation. Its optimistic tasks stay pending while the request is in flight, however long an
   * upload takes; if it never gets through they become ghosts with a retry.
   */
  const send = useCallback(
    async (url: string, init: { method: string; body?: BodyInit }, ids: string[]): Promise<SendResult> => {
      let body: { task?: BackgroundTask; tasks?: BackgroundTask[] };
      try {
        body = await api(url, init);
      } catch (err) {
        if (!(err instanceof ApiError)) {
          // Network down: the tasks stay pending (the server may yet show them) and become ghosts with a retry.
          const next = new Map(tasksRef.current);
          for (const id of ids) {
            const task = next.get(id);
            if (task?.pending) next.set(id, { ...task, inFlight: false });
          }
          commit(next);
          return { ok: false, offline: true };
        }
        // Refused by the server: failed at once, with its reason.
        const next = new Map(tasksRef.current);
        for (const id of ids) {
          const task = next.get(id);
          if (task) next.set(id, { ...task, pending: false, inFlight: false, ghost: true, status: "failed", error: { code: err.code, message: err.message } });
        }
        commit(next);
        const refused = ids.map((id) => next.get(id)).filter((task): task is LocalTask => Boolean(task));
        reject(err, refused[0] ? titleOf(refused[0]) : null, ids[0] ?? url, Math.max(0, refused.length - 1));
        return { ok: false, offline: false, code: err.code, message: err.message };
      }
      confirm(body.tasks ?? (body.task ? [body.task] : []));
      return { ok: true };
    },
    [commit, confirm, reject],
  );

  /** Uploads `file` under `id` (the same id again is idempotent on the server). */
  const upload = useCallback(
    async (file: File, id: string) => {
      filesRef.current.set(id, file);
      const form = new FormData();
      form.set("file", file);
      form.set("id", id);
      return send("/api/background-tasks/import-pdf", { method: "POST", body: form }, [id]);
    },
    [send],
  );

  const startImport = useCallback(
    async (file: File) => {
      const id = crypto.randomUUID();
      const params = importTitleParams(file.name);
      addOptimistic(optimisticTask(id, "import-pdf", TASK_TITLES["import-pdf"].english(params), deviceId(), undefined, Date.now(), params));
      return upload(file, id);
    },
    [addOptimistic, upload],
  );

  const startGenerate = useCallback(
    async (cvId: string, offers: JobOffer[]) => {
      const ids = offers.map(() => crypto.randomUUID());
      const body = JSON.stringify({ cvId, offers, ids });
      offers.forEach((offer, i) =>
        addOptimistic(
          optimisticTask(
            ids[i]!,
            "generate-cv",
            TASK_TITLES["generate-cv"].english(generateTitleParams(offer)),
            deviceId(),
            { url: "/api/background-tasks/generate-cv", init: { method: "POST", body } },
            Date.now(),
            generateTitleParams(offer),
          ),
        ),
      );
      return send("/api/background-tasks/generate-cv", { method: "POST", body }, ids);
    },
    [addOptimistic, send],
  );

  const canRetry = useCallback(
    (task: LocalTask) =>
      (task.ghost === true && (task.retry !== undefined || filesRef.current.has(task.id))) ||
      (!task.ghost && (task.status === "failed" || task.status === "cancelled") && (task.type !== "import-pdf" || task.inputKept || filesRef.current.has(task.id))),
    [],
  );

  /**
   * Starts a task again. A ghost is sent again under its own id (idempotent: harmless if the first send
   * did arrive). A failed import is uploaded again from the file this page kept, or else started from the
   * copy the server kept (any device), as a new task; the failed one stays in the history.
   */
  const retry = useCallback(
    async (taskId: string) => {
      const task = tasksRef.current.get(taskId);
      if (!task || !canRetry(task)) return;
      const file = filesRef.current.get(taskId);
      if (task.ghost) {
        const next = new Map(tasksRef.current);
        next.set(taskId, { ...task, ghost: false, pending: true, inFlight: true, status: "queued", error: null, createdAt: Date.now() });
        commit(next);
        if (file) await upload(file, taskId);
        else if (task.retry) await send(task.retry.url, task.retry.init, [taskId]);
        return;
      }
      const id = crypto.randomUUID();
      addOptimistic(optimisticTask(id, task.type, task.title, deviceId(), undefined, Date.now(), task.titleParams));
      if (file) {
        await upload(file, id);
        return;
      }
      // Any other failed or cancelled task: the server starts it again from the input it kept.
      await send("/api/background-tasks/retry", { method: "POST", body: JSON.stringify({ taskId, id }) }, [id]);
    },
    [addOptimistic, canRetry, commit, send, upload],
  );

  /** Sends a deletion of `ids` (already hidden here); if the server refuses it, they show again. */
  const act = useCallback(
    async (url: string, init: RequestInit, ids: string[], task: TitleSource | null): Promise<boolean> => {
      let ok = true;
      try {
        await api(url, init);
      } catch (err) {
        // Already gone (deleted on another device) is what the user wanted.
        if ((err as { status?: number }).status !== 404) {
          ok = false;
          if (err instanceof ApiError) reject(err, task, url);
          else setError(err instanceof Error ? err.message : String(err));
          for (const id of ids) deletedRef.current = forgetDeletion(deletedRef.current, id);
        }
      }
      await syncNow(); // every device changes; this one sees it at once
      return ok;
    },
    [syncNow, reject],
  );

  /** Hides tasks deleted here at once, and keeps them hidden from stale copies until the server confirms. */
  const dropLocal = useCallback(
    (ids: string[]) => {
      const next = new Map(tasksRef.current);
      for (const id of ids) {
        next.delete(id);
        deletedHere.current.add(id);
        filesRef.current.delete(id);
        deletedRef.current = rememberDeletion(deletedRef.current, id);
      }
      commit(next);
    },
    [commit],
  );

  const cancel = useCallback(
    async (taskId: string) => {
      const known = tasksRef.current.get(taskId);
      const res = await api<TaskResponse>(`/api/background-tasks/sync?taskId=${taskId}&action=cancel`, { method: "DELETE" }).catch((err: Error) => {
        if (err instanceof ApiError) reject(err, known ? titleOf(known) : null, `cancel:${taskId}`);
        else setError(err.message);
        return null;
      });
      if (res) commit(applyChange(tasksRef.current, { taskId, kind: "upsert", task: res.task }, deletedRef.current));
      await syncNow();
    },
    [commit, syncNow, reject],
  );

  const remove = useCallback(
    async (taskId: string) => {
      if (tasksRef.current.get(taskId)?.ghost) {
        // Never on the server (as far as we know): nothing to send, nothing to remember.
        const next = new Map(tasksRef.current);
        next.delete(taskId);
        filesRef.current.delete(taskId);
        return commit(next);
      }
      const known = tasksRef.current.get(taskId);
      dropLocal([taskId]);
      const ok = await act(`/api/background-tasks/sync?taskId=${taskId}`, { method: "DELETE" }, [taskId], known ? titleOf(known) : null);
      // A finished task can be brought back for a few seconds (the server keeps it for longer than the toast shows).
      if (ok && known && !isActiveStatus(known.status)) {
        setToasts((list) => [...list.slice(-4), { id: `deleted:${taskId}`, taskId, status: "deleted", task: titleOf(known) }]);
      }
    },
    [act, commit, dropLocal],
  );

  const restore = useCallback(
    async (taskId: string) => {
      setToasts((list) => list.filter((toast) => toast.id !== `deleted:${taskId}`));
      try {
        const { task } = await api<TaskResponse>("/api/background-tasks/restore", { method: "POST", body: JSON.stringify({ taskId }) });
        const nextDeleted = new Map(deletedRef.current);
        nextDeleted.delete(taskId);
        deletedRef.current = nextDeleted;
        deletedHere.current.delete(taskId);
        commit(applyChange(tasksRef.current, { taskId, kind: "upsert", task }, deletedRef.current));
      } catch (err) {
        if (err instanceof ApiError) reject(err, null, `restore:${taskId}`);
        else setError(err instanceof Error ? err.message : String(err));
      }
      await syncNow();
    },
    [commit, reject, syncNow],
  );

  const purge = useCallback(async () => {
    const ghosts = [...tasksRef.current.values()].filter((task) => task.ghost);
    if (ghosts.length) commit(new Map([...tasksRef.current].filter(([, task]) => !task.ghost)));
    const finished = [...tasksRef.current.values()].filter((task) => !isActiveStatus(task.status) && !task.pending).map((task) => task.id);
    dropLocal(finished);
    await act("/api/background-tasks/sync?action=purge", { method: "DELETE" }, finished, null);
  }, [act, commit, dropLocal]);

  const cancelAll = useCallback(async () => {
    const active = [...tasksRef.current.values()].filter((task) => isActiveStatus(task.status) && !task.pending && !task.ghost);
    await Promise.all(active.map((task) => cancel(task.id)));
  }, [cancel]);

  const dismissToast = useCallback((id: string) => setToasts((list) => list.filter((toast) => toast.id !== id)), []);

  const value = useMemo<TaskSyncValue>(() => {
    const list = [...tasks.values()].sort((a, b) => b.createdAt - a.createdAt);
    return {
      tasks: list,
      activeCount: list.filter((task) => isActiveStatus(task.status)).length,
      connected,
      cvRevision,
      deviceId: device,
      toasts,
      dismissToast,
      startImport,
      startGenerate,
      cancel,
      remove,
      purge,
      retry,
      canRetry,
      cancelAll,
      restore,
      trimmed,
      historyLimit,
      syncNow,
      error,
    };
  }, [tasks, connected, cvRevision, device, toasts, dismissToast, startImport, startGenerate, cancel, remove, purge, retry, canRetry, cancelAll, restore, trimmed, historyLimit, syncNow, error]);

  return <TaskSyncContext.Provider value={value}>{children}</TaskSyncContext.Provider>;
}

/** The live task list and the actions on it. */
export function useTaskSync(): TaskSyncValue {
  const ctx = useContext(TaskSyncContext);
  if (!ctx) throw new Error("useTaskSync outside BackgroundTasksProvider");
  return ctx;
}
