"use client";

import Link from "next/link";
import { useState, type ReactNode } from "react";
import { useI18n, type Locale } from "@/client/i18n";
import { BackgroundTasksProvider, useTaskSync } from "@/client/task-sync/provider";
import { SignOutButton } from "./sign-out-button";
import { TaskCenter } from "./task-center";
import { Toasts } from "./toasts";

function Header({ email, onTasks, tasksOpen }: { email: string; onTasks(): void; tasksOpen: boolean }) {
  const { t, locale, setLocale } = useI18n();
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
        <label className="sr-only" htmlFor="locale">
          {t("nav.language")}
        </label>
        <select id="locale" value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
          <option value="en">English</option>
          <option value="fr">Français</option>
        </select>
        <span className="muted email">{email}</span>
        <SignOutButton label={t("nav.signOut")} />
      </div>
    </header>
  );
}

/** Everything around a signed-in page: header, task center, toasts, and the live task sync. */
export function AppShell({ email, children }: { email: string; children: ReactNode }) {
  const [tasksOpen, setTasksOpen] = useState(false);
  return (
    <BackgroundTasksProvider>
      <Header email={email} onTasks={() => setTasksOpen((o) => !o)} tasksOpen={tasksOpen} />
      <div className="layout">
        <main id="main">{children}</main>
        <TaskCenter open={tasksOpen} onClose={() => setTasksOpen(false)} />
      </div>
      <Toasts />
    </BackgroundTasksProvider>
  );
}
