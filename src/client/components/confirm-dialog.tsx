"use client";

import { useEffect, useId, useRef } from "react";

/**
 * A modal confirmation on the native <dialog>: showModal() makes the rest of the page inert (focus stays
 * inside), Escape cancels, and focus goes back to the element that opened it when it closes.
 */
export function ConfirmDialog({
  open,
  title,
  body,
  confirmLabel,
  cancelLabel,
  onConfirm,
  onCancel,
  testId,
  fallbackFocus,
}: {
  open: boolean;
  title: string;
  body: string;
  confirmLabel: string;
  cancelLabel: string;
  onConfirm(): void;
  onCancel(): void;
  testId?: string;
  /** Where focus goes when the opener is gone (the action removed it). */
  fallbackFocus?(): HTMLElement | null;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const fallback = useRef(fallbackFocus);
  useEffect(() => {
    fallback.current = fallbackFocus;
  });
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const onClose = () => {
      const back = opener.current;
      opener.current = null;
      if (back?.isConnected) back.focus();
      else fallback.current?.()?.focus();
    };
    dialog.addEventListener("close", onClose);
    return () => dialog.removeEventListener("close", onClose);
  }, []);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault(); // Escape: close through our state, like the Cancel button
        onCancel();
      }}
    >
      {/* Content only while open: several closed confirmations on a page leave no buttons behind. */}
      {open && (
        <>
          <h2 id={titleId}>{title}</h2>
          <p id={bodyId}>{body}</p>
          <div className="actions">
            <button type="button" onClick={onCancel} autoFocus data-testid="confirm-cancel">
              {cancelLabel}
            </button>
            <button type="button" className="danger" onClick={onConfirm} data-testid="confirm-ok">
              {confirmLabel}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
