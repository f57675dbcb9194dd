"use client";

import { useEffect } from "react";
import { useI18n } from "@/client/i18n";
import { useTaskSync } from "@/client/task-sync/provider";

/** Task notifications: announced politely, dismissed after a while or by hand. */
export function Toasts() {
  const { t } = useI18n();
  const { toasts, dismissToast } = useTaskSync();
  useEffect(() => {
    if (toasts.length === 0) return;
    const timer = setTimeout(() => dismissToast(toasts[0]!.id), 8000);
    return () => clearTimeout(timer);
  }, [toasts, dismissToast]);
  return (
    <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast--${toast.status}`} data-testid="toast">
          <span>{t(`toast.${toast.status}`, { title: toast.title })}</span>
          <button type="button" onClick={() => dismissToast(toast.id)} aria-label={t("toast.dismiss")}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
