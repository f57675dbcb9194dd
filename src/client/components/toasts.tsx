"use client";

import Link from "next/link";
import { useEffect } from "react";
import { useI18n } from "@/client/i18n";
import { useTaskSync, type Toast } from "@/client/task-sync/provider";

/** How long each kind stays: a refusal says what to do next, an undo must leave time to decide. */
const LIFETIME: Record<Toast["status"], number> = { rejected: 15_000, deleted: 8000, completed: 8000, failed: 10_000, cancelled: 8000 };

/** Task notifications and refused actions: announced, dismissed after a while or by hand, shown whether or not the task center is open. */
export function Toasts() {
  const { t, errorText, taskTitle } = useI18n();
  const { toasts, dismissToast, restore } = useTaskSync();
  useEffect(() => {
    if (toasts.length === 0) return;
    const timer = setTimeout(() => dismissToast(toasts[0]!.id), LIFETIME[toasts[0]!.status]);
    return () => clearTimeout(timer);
  }, [toasts, dismissToast]);
  const titleOf = (toast: Toast) => (toast.task ? taskTitle(toast.task) + (toast.more ? ` (+${toast.more})` : "") : "");
  return (
    <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast--${toast.status}`} data-testid="toast" data-status={toast.status} data-code={toast.code}>
          {toast.status === "rejected" ? (
            <span>
              <strong>{toast.task ? t("toast.rejected", { title: titleOf(toast) }) : t("toast.rejectedAction")}</strong>
              <br />
              <span data-testid="toast-reason">{errorText(toast.code ?? "", toast.message ?? "")}</span>
            </span>
          ) : (
            <span className="toast__text">{t(`toast.${toast.status}`, { title: titleOf(toast) })}</span>
          )}
          {toast.status === "completed" && toast.cvId && (
            <Link href={`/cvs/${toast.cvId}`} className="button" onClick={() => dismissToast(toast.id)} data-testid="toast-open-cv">
              {t("tasks.openCv")}
            </Link>
          )}
          {toast.status === "deleted" && (
            <button type="button" className="primary" onClick={() => void restore(toast.taskId)} data-testid="toast-undo">
              {t("toast.undo")}
            </button>
          )}
          <button type="button" onClick={() => dismissToast(toast.id)} aria-label={t("toast.dismiss")}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
