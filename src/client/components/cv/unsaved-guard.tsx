"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { useI18n } from "@/client/i18n";
import { ConfirmDialog } from "../confirm-dialog";

/**
 * While `dirty`, leaving the page asks first: the browser's own prompt when the tab closes or reloads
 * (beforeunload), and our dialog for a link inside the app (any `<a>`, the shell's and the task center's
 * included), the browser's Back button, or an action that navigates (`confirmLeave`). Returns the dialog.
 *
 * Back has no event to cancel, so a dirty page stands on an extra history entry of its own URL (a copy of
 * Next.js's state, so its router restores the same page): Back pops that entry, which we see as a popstate
 * that stayed on this URL; the dialog then either puts the entry back (stay) or goes back once more (leave).
 */
const onStandIn = () => (history.state as { cvTasksUnsaved?: boolean } | null)?.cvTasksUnsaved === true;

export function useUnsavedGuard(dirty: boolean) {
  const { t } = useI18n();
  const router = useRouter();
  const [pending, setPending] = useState<(() => void) | null>(null);
  const dirtyRef = useRef(dirty);
  /** Puts the Back stand-in entry again (after the person chose to stay); null while not dirty. */
  const guardedBack = useRef<(() => void) | null>(null);
  useEffect(() => {
    dirtyRef.current = dirty;
  }, [dirty]);

  useEffect(() => {
    if (!dirty) return;
    const beforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = "";
    };
    // Capture on the document runs before React's handlers on the root, so a Next.js <Link> never sees the click.
    const click = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.("a[href]") as HTMLAnchorElement | null;
      if (!a || a.target === "_blank" || a.hasAttribute("download")) return;
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin || (url.pathname === location.pathname && url.search === location.search)) return;
      e.preventDefault();
      e.stopPropagation();
      // From the Back stand-in, the link replaces it: Back from there returns to this page once, not twice.
      const to = url.pathname + url.search + url.hash;
      setPending(() => () => (onStandIn() ? router.replace(to) : router.push(to)));
    };
    const here = location.href;
    const standIn = () => history.pushState({ ...(history.state as object | null), cvTasksUnsaved: true }, "", here);
    if (!onStandIn()) standIn();
    const popState = () => {
      if (!dirtyRef.current || location.href !== here) return;
      setPending(() => () => history.back());
    };
    window.addEventListener("beforeunload", beforeUnload);
    window.addEventListener("popstate", popState);
    document.addEventListener("click", click, true);
    guardedBack.current = standIn;
    return () => {
      window.removeEventListener("beforeunload", beforeUnload);
      window.removeEventListener("popstate", popState);
      document.removeEventListener("click", click, true);
      guardedBack.current = null;
    };
  }, [dirty, router]);

  // Saved (or discarded) on this page: the stand-in goes, so Back leaves at the first press again.
  useEffect(() => {
    if (!dirty && onStandIn()) history.back();
  }, [dirty]);

  /** Runs `leave` at once when nothing is unsaved, else after the person confirms. */
  const confirmLeave = useCallback((leave: () => void) => {
    if (dirtyRef.current) setPending(() => leave);
    else leave();
  }, []);

  const dialog = (
    <ConfirmDialog
      open={pending !== null}
      title={t("editor.leaveTitle")}
      body={t("editor.leaveBody")}
      confirmLabel={t("editor.leaveConfirm")}
      cancelLabel={t("editor.stay")}
      onCancel={() => {
        // Back already popped the stand-in entry: put it again so that the next Back asks too.
        if (!onStandIn()) guardedBack.current?.();
        setPending(null);
      }}
      onConfirm={() => {
        const leave = pending;
        setPending(null);
        dirtyRef.current = false;
        leave?.();
      }}
      testId="confirm-leave"
    />
  );
  return { dialog, confirmLeave };
}
