"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useCallback, useEffect, useState, type ReactNode } from "react";
import { useI18n } from "@/client/i18n";
import { LanguageSelect } from "./language-select";
import type { LocalTask } from "@/client/task-sync/merge";
import { BackgroundTasksProvider, cvIdOf, NOTIFY_KEY, useTaskSync } from "@/client/task-sync/provider";
import { SignOutButton } from "./sign-out-button";
import { TaskCenter } from "./task-center";
import { Toasts } from "./toasts";

function Header({ email, onTasks, tasksOpen }: { email: string; onTasks(): void; tasksOpen: boolean }) {
  const { t } = useI18n();
  const { activeCount } = useTaskSync();
  return (
    <header className="topbar">
      <Link href="/" className="brand">
        {t("app.name")}
      </Link>
      <nav aria-label="Main">
        <Link href="/">{t("nav.cvs")}</Link>
      </nav>
      <div className="topbar__end">
        <button type="button" className="tasks-button" onClick={onTasks} aria-expanded={tasksOpen} aria-controls="task-center-title" data-testid="open-tasks">
          {t("tasks.open")}
          {activeCount > 0 && (
            <span className="badge" data-testid="active-badge" aria-label={t("tasks.activeCount", { n: activeCount })}>
              {activeCount}
            </span>
          )}
        </button>
        <LanguageSelect />
        <span className="muted email">{email}</span>
        <SignOutButton label={t("nav.signOut")} />
      </div>
    </header>
  );
}

/** The tab's title starts with the number of running tasks ("(2) My CVs · CV Tasks"), on every page. */
function TabTitle() {
  const { tasks } = useTaskSync();
  const running = tasks.filter((task) => task.status === "running").length;
  const pathname = usePathname();
  useEffect(() => {
    const apply = () => {
      const base = document.title.replace(/^\(\d+\) /, "");
      const next = running > 0 ? `(${running}) ${base}` : base;
      if (document.title !== next) document.title = next;
    };
    apply();
    // Next.js sets the page's own title after a navigation: put the count back in front of it.
    const titleEl = document.querySelector("title");
    const observer = titleEl ? new MutationObserver(apply) : null;
    if (titleEl) observer!.observe(titleEl, { childList: true, characterData: true, subtree: true });
    return () => observer?.disconnect();
  }, [running, pathname]);
  return null;
}

/** Everything around a signed-in page: header, task center, toasts, and the live task sync. */
export function AppShell({ email, historyLimit, children }: { email: string; historyLimit: number; children: ReactNode }) {
  const [tasksOpen, setTasksOpen] = useState(false);
  const { t, taskTitle } = useI18n();
  const router = useRouter();
  // The shell and the page under it have committed (children's effects run first), so their handlers are
  // attached: browser tests wait for this mark instead of for a time.
  useEffect(() => {
    document.documentElement.dataset.ready = "1";
    return () => void delete document.documentElement.dataset.ready;
  }, []);
  // A desktop notification when a task finishes while the page is hidden, if the user turned them on in the task center.
  const notify = useCallback(
    (task: LocalTask, status: string) => {
      if (typeof Notification === "undefined" || Notification.permission !== "granted" || localStorage.getItem(NOTIFY_KEY) !== "1") return;
      if (document.visibilityState !== "hidden") return;
      const note = new Notification(t(`toast.${status as "completed" | "failed" | "cancelled"}`, { title: taskTitle(task) }), { tag: `${task.id}:${status}` });
      const cvId = cvIdOf(task);
      note.onclick = () => {
        window.focus();
        if (cvId) router.push(`/cvs/${cvId}`);
      };
    },
    [t, taskTitle, router],
  );
  return (
    <BackgroundTasksProvider historyLimit={historyLimit} notify={notify}>
      <TabTitle />
      <Header email={email} onTasks={() => setTasksOpen((o) => !o)} tasksOpen={tasksOpen} />
      <div className="layout">
        <main id="main">{children}</main>
        <TaskCenter open={tasksOpen} onClose={() => setTasksOpen(false)} />
      </div>
      <Toasts />
    </BackgroundTasksProvider>
  );
}
