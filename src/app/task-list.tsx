"use client";

import { useEffect, useState } from "react";
import { api } from "@/client/api";
import { isActiveStatus, type BackgroundTask, type TaskSyncResponse } from "@/shared/tasks";

const POLL_MS = 3000;

/** The user's tasks, kept in sync with the server through the cursor. */
export function TaskList() {
  const [tasks, setTasks] = useState<Map<string, BackgroundTask>>(new Map());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cursor: string | null = null;
    let stopped = false;
    async function sync() {
      try {
        const res: TaskSyncResponse = await api(`/api/background-tasks/sync${cursor ? `?since=${cursor}` : ""}`);
        cursor = res.cursor;
        setTasks((prev) => {
          const next = new Map(res.full ? [] : prev);
          for (const t of res.tasks) next.set(t.id, t);
          for (const id of res.deleted) next.delete(id);
          return next;
        });
        setError(null);
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      }
    }
    void sync();
    const timer = setInterval(() => !stopped && void sync(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  const list = [...tasks.values()].sort((a, b) => b.createdAt - a.createdAt);
  return (
    <section className="card" aria-labelledby="tasks-heading">
      <h2 id="tasks-heading">Tasks</h2>
      {error && <p className="error" role="alert">{error}</p>}
      {list.length === 0 ? (
        <p className="muted">No tasks yet.</p>
      ) : (
        <ul aria-live="polite">
          {list.map((t) => (
            <li key={t.id}>
              {t.title} — {t.status}
              {isActiveStatus(t.status) && ` (${t.progress}%)`}
              {t.error && <span className="error"> {t.error.message}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
