"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { formatDuration, useI18n } from "@/client/i18n";
import type { LocalTask } from "@/client/task-sync/merge";
import { useTaskSync } from "@/client/task-sync/provider";
import { isActiveStatus } from "@/shared/tasks";
import { ConfirmDialog } from "./confirm-dialog";

const ICON: Record<string, string> = { completed: "✓", failed: "!", cancelled: "⨯", queued: "…", running: "▸" };

/** Re-renders every second while something is running, for elapsed times. */
function useNow(active: boolean) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function cvIdOf(task: LocalTask): string | null {
  const result = task.result as { cvId?: unknown } | null;
  return typeof result?.cvId === "string" ? result.cvId : null;
}

/** The task center: a panel reachable from every page, with active tasks and the history. */
export function TaskCenter({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useI18n();
  const { tasks, cancel, remove, purge, retry, canRetry, deviceId, connected } = useTaskSync();
  const active = tasks.filter((task) => isActiveStatus(task.status) && !task.ghost);
  const history = tasks.filter((task) => !isActiveStatus(task.status) || task.ghost);
  const now = useNow(open && active.length > 0);
  const panel = useRef<HTMLElement>(null);
  const [confirmClear, setConfirmClear] = useState(false);

  useEffect(() => {
    if (!open) return;
    panel.current?.focus();
    // Escape in an open confirmation closes the confirmation only.
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && !document.querySelector("dialog[open]") && onClose();
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open, onClose]);

  if (!open) return null;
  const stage = (task: LocalTask) => (task.stage ? t(`stage.${task.stage}` as never) || task.stage : t(`status.${task.status}` as never));
  const from = (task: LocalTask) => (task.deviceId && task.deviceId === deviceId ? t("tasks.thisDevice") : t("tasks.otherDevice"));

  return (
    <aside ref={panel} className="task-center" role="dialog" aria-modal="false" aria-labelledby="task-center-title" tabIndex={-1} data-testid="task-center">
      <header className="task-center__head">
        <h2 id="task-center-title">{t("tasks.title")}</h2>
        <span className={`pill ${connected ? "pill--ok" : ""}`}>{connected ? t("tasks.live") : t("tasks.offline")}</span>
        <button type="button" onClick={onClose} aria-label={t("tasks.close")}>
          ✕
        </button>
      </header>

      <section aria-labelledby="active-heading">
        <h3 id="active-heading">{t("tasks.active")}</h3>
        {active.length === 0 && <p className="muted">{t("tasks.noActive")}</p>}
        <ul className="task-list" data-testid="active-tasks">
          {active.map((task) => (
            <li key={task.id} className="task" data-task-id={task.id} data-status={task.status}>
              <div className="task__row">
                <strong className="task__title" title={task.title}>{task.title}</strong>
                <button type="button" className="danger" onClick={() => void cancel(task.id)} aria-label={`${t("tasks.cancel")}: ${task.title}`}>
                  {t("tasks.cancel")}
                </button>
              </div>
              <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={task.progress} aria-label={task.title}>
                <div className="progress__bar" style={{ width: `${task.progress}%` }} />
              </div>
              <div className="task__meta muted">
                <span data-testid="task-stage">{stage(task)}</span> · <span>{task.progress}%</span> ·{" "}
                <span>{t("tasks.elapsed", { s: formatDuration(now - (task.startedAt ?? task.createdAt)) })}</span> · <span>{from(task)}</span>
              </div>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="history-heading">
        <div className="task__row">
          <h3 id="history-heading">{t("tasks.history")}</h3>
          {history.length > 0 && (
            <button type="button" onClick={() => setConfirmClear(true)} data-testid="clear-finished">
              {t("tasks.clearFinished")}
            </button>
          )}
        </div>
        <ConfirmDialog
          open={confirmClear && history.length > 0}
          title={t("confirm.clearTitle")}
          body={t("confirm.clearBody", { n: history.length })}
          confirmLabel={t("confirm.clearConfirm", { n: history.length })}
          cancelLabel={t("confirm.cancel")}
          onCancel={() => setConfirmClear(false)}
          onConfirm={() => {
            setConfirmClear(false);
            void purge();
          }}
          fallbackFocus={() => panel.current}
          testId="confirm-clear"
        />
        {history.length === 0 && <p className="muted">{t("tasks.noHistory")}</p>}
        <ul className="task-list" data-testid="history-tasks">
          {history.map((task) => {
            const cvId = task.status === "completed" ? cvIdOf(task) : null;
            return (
              <li key={task.id} className={`task task--${task.status}`} data-task-id={task.id} data-status={task.status}>
                <div className="task__row">
                  <span className={`status-icon status-icon--${task.status}`} aria-hidden="true">
                    {ICON[task.status]}
                  </span>
                  {cvId ? (
                    <Link className="task__title" href={`/cvs/${cvId}`} onClick={onClose} title={`${t("tasks.openCv")}: ${task.title}`}>
                      {task.title}
                    </Link>
                  ) : (
                    <span className="task__title" title={task.title}>{task.title}</span>
                  )}
                  {canRetry(task) && (
                    <button type="button" onClick={() => void retry(task.id)}>
                      {t("tasks.retry")}
                    </button>
                  )}
                  <button type="button" onClick={() => void remove(task.id)} aria-label={`${t("tasks.delete")}: ${task.title}`}>
                    {t("tasks.delete")}
                  </button>
                </div>
                <div className="task__meta muted">
                  <span data-testid="task-status">{t(`status.${task.status}` as never)}</span>
                  {task.finishedAt && task.startedAt ? <> · {t("tasks.took", { s: formatDuration(task.finishedAt - task.startedAt) })}</> : null} · {from(task)}
                </div>
                {task.error && <p className="error task__error">{task.error.message}</p>}
              </li>
            );
          })}
        </ul>
      </section>
    </aside>
  );
}
