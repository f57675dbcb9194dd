"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { formatDuration, useI18n } from "@/client/i18n";
import type { LocalTask } from "@/client/task-sync/merge";
import { cvIdOf, NOTIFY_KEY, useTaskSync } from "@/client/task-sync/provider";
import { isActiveStatus, type TaskStatus } from "@/shared/tasks";
import { ConfirmDialog } from "./confirm-dialog";
import { EngineLine, engineOfResult } from "./cv/match-report";

const ICON: Record<string, string> = { completed: "✓", failed: "!", cancelled: "⨯", queued: "…", running: "▸" };
const STATUS_FILTERS = ["all", "active", "completed", "failed", "cancelled"] as const;
const TYPE_FILTERS = ["all", "import-pdf", "generate-cv"] as const;
type StatusFilter = (typeof STATUS_FILTERS)[number];
type TypeFilter = (typeof TYPE_FILTERS)[number];

/** Re-renders every `ms` while `active`, for elapsed and relative times. */
function useNow(active: boolean, ms = 1000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
  return now;
}

/** "3 minutes ago", with the exact date and time on hover and on focus (it is focusable, and says both). */
function When({ at, now }: { at: number; now: number }) {
  const { locale } = useI18n();
  const seconds = Math.round((at - now) / 1000);
  const abs = Math.abs(seconds);
  const [value, unit]: [number, Intl.RelativeTimeFormatUnit] =
    abs < 60 ? [seconds, "second"] : abs < 3600 ? [Math.round(seconds / 60), "minute"] : abs < 86_400 ? [Math.round(seconds / 3600), "hour"] : [Math.round(seconds / 86_400), "day"];
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(value, unit);
  const exact = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" }).format(at);
  return (
    <time className="when" dateTime={new Date(at).toISOString()} title={exact} tabIndex={0} aria-label={`${relative} (${exact})`} data-exact={exact}>
      {relative}
      <span className="when__exact" aria-hidden="true">
        {exact}
      </span>
    </time>
  );
}

/** Everything known about one task: its timeline, engine, error, devices and attempts. */
function TaskDetails({ task, now, deviceId }: { task: LocalTask; now: number; deviceId: string }) {
  const { t, errorText, locale } = useI18n();
  const exact = (at: number) => new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "medium" }).format(at);
  const device = (id: string | null) => (id ? (id === deviceId ? t("tasks.thisDevice") : t("tasks.otherDevice")) : "—");
  const stageName = (stage: string) => t(`stage.${stage}` as never) || stage;
  const steps: { key: string; label: string; at: number }[] = [{ key: "created", label: t("tasks.timeline.created"), at: task.createdAt }];
  if (task.startedAt) steps.push({ key: "started", label: t("tasks.timeline.started"), at: task.startedAt });
  task.stages.forEach((entry, i) => steps.push({ key: `stage-${i}`, label: stageName(entry.stage), at: entry.at }));
  if (task.cancelRequestedAt) steps.push({ key: "cancel", label: t("tasks.timeline.cancelRequested"), at: task.cancelRequestedAt });
  if (task.finishedAt) steps.push({ key: "finished", label: t(`status.${task.status}`), at: task.finishedAt });
  steps.sort((a, b) => a.at - b.at);
  const engine = (task.result as { engine?: unknown } | null)?.engine;
  return (
    <details className="task__details" data-testid="task-details">
      <summary>{t("tasks.details")}</summary>
      {/* Not a list: rows of the task lists are counted as their <li>s. */}
      <div className="timeline">
        {steps.map((step) => (
          <p key={step.key} data-step={step.key}>
            <span>{step.label}</span> <time dateTime={new Date(step.at).toISOString()}>{exact(step.at)}</time>
          </p>
        ))}
        {isActiveStatus(task.status) && task.stage && (
          <p>
            <span>{t("tasks.timeline.now")}</span> {stageName(task.stage)} · {task.progress}% ·{" "}
            {formatDuration(now - (task.startedAt ?? task.createdAt))}
          </p>
        )}
      </div>
      <dl className="facts">
        {typeof engine === "string" && (
          <>
            <dt>{t("tasks.engine")}</dt>
            <dd>{engine === "llm" ? t("tasks.engineLlm") : t("tasks.engineOffline")}</dd>
          </>
        )}
        {task.error && (
          <>
            <dt>{t("tasks.error")}</dt>
            <dd data-testid="task-error-detail">
              <code>{task.error.code}</code> {errorText(task.error.code, task.error.message)}
            </dd>
          </>
        )}
        <dt>{t("tasks.createdOn")}</dt>
        <dd>{device(task.createdByDeviceId)}</dd>
        <dt>{t("tasks.lastActedOn")}</dt>
        <dd>{device(task.deviceId)}</dd>
        <dt>{t("tasks.attempts")}</dt>
        <dd>{task.attempts}</dd>
      </dl>
    </details>
  );
}

/** Desktop notifications when a task finishes while the page is hidden: asked for here, never on load. */
function NotifyToggle() {
  const { t } = useI18n();
  const [state, setState] = useState<"unsupported" | "off" | "on" | "denied">("unsupported");
  useEffect(() => {
    if (typeof Notification === "undefined") return;
    // Read once the page runs: the permission and the opt-in live in the browser.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setState(Notification.permission === "denied" ? "denied" : Notification.permission === "granted" && localStorage.getItem(NOTIFY_KEY) === "1" ? "on" : "off");
  }, []);
  if (state === "unsupported") return null;
  if (state === "denied") return <p className="muted small">{t("tasks.notifyDenied")}</p>;
  return (
    <button
      type="button"
      aria-pressed={state === "on"}
      data-testid="notify-toggle"
      onClick={async () => {
        if (state === "on") {
          localStorage.removeItem(NOTIFY_KEY);
          return setState("off");
        }
        const permission = await Notification.requestPermission();
        if (permission === "granted") localStorage.setItem(NOTIFY_KEY, "1");
        setState(permission === "granted" ? "on" : permission === "denied" ? "denied" : "off");
      }}
    >
      {state === "on" ? t("tasks.notifyOn") : t("tasks.notifyOff")}
    </button>
  );
}

/** The task center: a panel reachable from every page, with active tasks (in submission order) and the history. */
export function TaskCenter({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t, taskTitle, errorText } = useI18n();
  const { tasks, cancel, cancelAll, remove, purge, retry, canRetry, deviceId, connected, trimmed, historyLimit } = useTaskSync();
  const [status, setStatus] = useState<StatusFilter>("all");
  const [type, setType] = useState<TypeFilter>("all");
  const [query, setQuery] = useState("");
  const searchId = useId();
  const panel = useRef<HTMLElement>(null);
  const [confirmClear, setConfirmClear] = useState(false);
  const [confirmCancelAll, setConfirmCancelAll] = useState(false);

  const allActive = tasks.filter((task) => isActiveStatus(task.status) && !task.ghost);
  const needle = query.trim().toLocaleLowerCase();
  const shown = (task: LocalTask) =>
    (type === "all" || task.type === type) && (!needle || taskTitle(task).toLocaleLowerCase().includes(needle) || task.title.toLocaleLowerCase().includes(needle));
  const statusShown = (s: TaskStatus, ghost?: boolean) =>
    status === "all" || (status === "active" ? isActiveStatus(s) && !ghost : status === (ghost ? "failed" : s));
  // Submission order: the oldest first, as the queue runs them.
  const active = allActive.filter((task) => statusShown(task.status) && shown(task)).sort((a, b) => a.createdAt - b.createdAt);
  const allHistory = tasks.filter((task) => !isActiveStatus(task.status) || task.ghost);
  const history = allHistory.filter((task) => statusShown(task.status, task.ghost) && shown(task));
  const queue = allActive.filter((task) => task.status === "queued").sort((a, b) => a.createdAt - b.createdAt);
  const now = useNow(open, allActive.length > 0 ? 1000 : 30_000);
  const filtering = status !== "all" || type !== "all" || needle !== "";

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

  /**
   * Runs an action that removes the row it was started from, then puts focus on the same action of the
   * next row (or the previous one, or the section heading): never lost to the page.
   */
  const keepFocus = async (button: HTMLElement, action: () => Promise<void>, fallbackId: string) => {
    const row = button.closest("li");
    const selector = `[data-action="${button.dataset.action}"]`;
    const sibling = (row?.nextElementSibling?.querySelector(selector) ?? row?.previousElementSibling?.querySelector(selector)) as HTMLElement | null;
    await action();
    requestAnimationFrame(() => {
      const target = sibling?.isConnected ? sibling : (document.getElementById(fallbackId) ?? panel.current);
      target?.focus();
    });
  };

  return (
    <aside ref={panel} className="task-center" aria-labelledby="task-center-title" tabIndex={-1} data-testid="task-center">
      <div className="task-center__head">
        <h2 id="task-center-title">{t("tasks.title")}</h2>
        <span className={`pill ${connected ? "pill--ok" : ""}`}>{connected ? t("tasks.live") : t("tasks.offline")}</span>
        <button type="button" onClick={onClose} aria-label={t("tasks.close")}>
          ✕
        </button>
      </div>

      <div className="task-filters" role="search" aria-label={t("tasks.filters")}>
        <label className="sr-only" htmlFor={searchId}>
          {t("tasks.search")}
        </label>
        <input id={searchId} type="search" value={query} placeholder={t("tasks.search")} onChange={(e) => setQuery(e.target.value)} data-testid="task-search" />
        <label>
          <span className="sr-only">{t("tasks.filterStatus")}</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)} data-testid="task-filter-status" aria-label={t("tasks.filterStatus")}>
            {STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {s === "all" ? t("tasks.allStatuses") : s === "active" ? t("tasks.active") : t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="sr-only">{t("tasks.filterType")}</span>
          <select value={type} onChange={(e) => setType(e.target.value as TypeFilter)} data-testid="task-filter-type" aria-label={t("tasks.filterType")}>
            {TYPE_FILTERS.map((k) => (
              <option key={k} value={k}>
                {k === "all" ? t("tasks.allTypes") : k === "import-pdf" ? t("tasks.typeImport") : t("tasks.typeGenerate")}
              </option>
            ))}
          </select>
        </label>
      </div>

      <section aria-labelledby="active-heading">
        <div className="task__row">
          <h3 id="active-heading" tabIndex={-1}>
            {t("tasks.active")}
          </h3>
          {allActive.length > 1 && (
            <button type="button" className="danger" onClick={() => setConfirmCancelAll(true)} data-testid="cancel-all">
              {t("tasks.cancelAll")}
            </button>
          )}
        </div>
        <ConfirmDialog
          open={confirmCancelAll && allActive.length > 0}
          title={t("confirm.cancelAllTitle")}
          body={t("confirm.cancelAllBody", { n: allActive.length })}
          confirmLabel={t("confirm.cancelAllConfirm", { n: allActive.length })}
          cancelLabel={t("confirm.keepRunning")}
          onCancel={() => setConfirmCancelAll(false)}
          onConfirm={() => {
            setConfirmCancelAll(false);
            void cancelAll();
          }}
          fallbackFocus={() => document.getElementById("active-heading")}
          testId="confirm-cancel-all"
        />
        {active.length === 0 && <p className="muted">{filtering && allActive.length > 0 ? t("tasks.noMatch") : t("tasks.noActive")}</p>}
        <ul className="task-list" data-testid="active-tasks">
          {active.map((task) => {
            const title = taskTitle(task);
            const position = task.status === "queued" ? queue.findIndex((q) => q.id === task.id) + 1 : 0;
            return (
              <li key={task.id} className="task" data-task-id={task.id} data-status={task.status}>
                <div className="task__row">
                  <strong className="task__title" title={title}>
                    {title}
                  </strong>
                  <button
                    type="button"
                    className="danger"
                    data-action="cancel"
                    onClick={(e) => void keepFocus(e.currentTarget, () => cancel(task.id), "active-heading")}
                    aria-label={`${t("tasks.cancel")}: ${title}`}
                  >
                    {t("tasks.cancel")}
                  </button>
                </div>
                <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={task.progress} aria-label={title}>
                  <div className="progress__bar" style={{ width: `${task.progress}%` }} />
                </div>
                <div className="task__meta muted">
                  <span data-testid="task-stage">{stage(task)}</span>
                  {position > 0 ? (
                    <>
                      {" "}
                      · <span data-testid="queue-position">{t("tasks.queuePosition", { n: position })}</span>
                    </>
                  ) : (
                    <>
                      {" "}
                      · <span>{task.progress}%</span> · <span>{t("tasks.elapsed", { s: formatDuration(now - (task.startedAt ?? task.createdAt)) })}</span>
                    </>
                  )}{" "}
                  · <When at={task.createdAt} now={now} /> · <span>{from(task)}</span>
                </div>
                <TaskDetails task={task} now={now} deviceId={deviceId} />
              </li>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby="history-heading">
        <div className="task__row">
          <h3 id="history-heading" tabIndex={-1}>
            {t("tasks.history")}
          </h3>
          {allHistory.length > 0 && (
            <button type="button" onClick={() => setConfirmClear(true)} data-testid="clear-finished">
              {t("tasks.clearFinished")}
            </button>
          )}
        </div>
        {trimmed > 0 && (
          <p className="notice" role="note" data-testid="trimmed-notice">
            {t("tasks.trimmed", { n: trimmed, limit: historyLimit })}
          </p>
        )}
        <ConfirmDialog
          open={confirmClear && allHistory.length > 0}
          title={t("confirm.clearTitle")}
          body={t("confirm.clearBody", { n: allHistory.length })}
          confirmLabel={t("confirm.clearConfirm", { n: allHistory.length })}
          cancelLabel={t("confirm.cancel")}
          onCancel={() => setConfirmClear(false)}
          onConfirm={() => {
            setConfirmClear(false);
            void purge();
          }}
          fallbackFocus={() => document.getElementById("history-heading") ?? panel.current}
          testId="confirm-clear"
        />
        {history.length === 0 && <p className="muted">{filtering && allHistory.length > 0 ? t("tasks.noMatch") : t("tasks.noHistory")}</p>}
        <ul className="task-list" data-testid="history-tasks">
          {history.map((task) => {
            const cvId = task.status === "completed" ? cvIdOf(task) : null;
            const title = taskTitle(task);
            return (
              <li key={task.id} className={`task task--${task.status}`} data-task-id={task.id} data-status={task.status}>
                <div className="task__row">
                  <span className={`status-icon status-icon--${task.status}`} aria-hidden="true">
                    {ICON[task.status]}
                  </span>
                  {cvId ? (
                    <Link className="task__title" href={`/cvs/${cvId}`} onClick={onClose} title={`${t("tasks.openCv")}: ${title}`} data-testid="task-open-cv">
                      {title}
                    </Link>
                  ) : (
                    <span className="task__title" title={title}>
                      {title}
                    </span>
                  )}
                  {canRetry(task) && (
                    <button type="button" data-action="retry" onClick={() => void retry(task.id)} aria-label={`${t("tasks.retry")}: ${title}`}>
                      {t("tasks.retry")}
                    </button>
                  )}
                  <button
                    type="button"
                    data-action="delete"
                    onClick={(e) => void keepFocus(e.currentTarget, () => remove(task.id), "history-heading")}
                    aria-label={`${t("tasks.delete")}: ${title}`}
                  >
                    {t("tasks.delete")}
                  </button>
                </div>
                <div className="task__meta muted">
                  <span data-testid="task-status">{t(`status.${task.status}` as never)}</span>
                  {task.finishedAt && task.startedAt ? <> · {t("tasks.took", { s: formatDuration(task.finishedAt - task.startedAt) })}</> : null} ·{" "}
                  <When at={task.finishedAt ?? task.createdAt} now={now} /> · {from(task)}
                </div>
                {task.status === "completed" && <EngineLine engine={engineOfResult(task.result)} />}
                {task.error && <p className="error task__error">{errorText(task.error.code, task.error.message)}</p>}
                <TaskDetails task={task} now={now} deviceId={deviceId} />
              </li>
            );
          })}
        </ul>
      </section>
      <NotifyToggle />
    </aside>
  );
}
