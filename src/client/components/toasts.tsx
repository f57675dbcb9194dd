"use client";

import { useEffect } from "react";
import { useI18n } from "@/client/i18n";
import { useTaskSync } from "@/client/task-sync/provider";

/** Task notifications and refused actions: announced, dismissed after a while or by hand, shown whether or not the task center is open. */
export function Toasts() {
  const { t, errorText } = useI18n();
  const { toasts, dismissToast } = useTaskSync();
  useEffect(() => {
    if (toasts.length === 0) return;
    // A refusal says what to do next: it stays longer than a completion.
    const timer = setTimeout(() => dismissToast(toasts[0]!.id), toasts[0]!.status === "rejected" ? 15_000 : 8000);
    return () => clearTimeout(timer);
  }, [toasts, dismissToast]);
  return (
    <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast--${toast.status}`} data-testid="toast" data-status={toast.status} data-code={toast.code}>
          {toast.status === "rejected" ? (
            <span>
              <strong>{toast.title ? t("toast.rejected", { title: toast.title }) : t("toast.rejectedAction")}</strong>
              <br />
              <span data-testid="toast-reason">{errorText(toast.code ?? "", toast.message ?? "")}</span>
            </span>
          ) : (
            <span>{t(`toast.${toast.status}`, { title: toast.title })}</span>
          )}
          <button type="button" onClick={() => dismissToast(toast.id)} aria-label={t("toast.dismiss")}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
