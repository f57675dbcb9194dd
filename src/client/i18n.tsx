"use client";

import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useCallback, useMemo } from "react";
import { api } from "@/client/api";
import type { Locale } from "@/i18n/locales";
import type { SetLocaleResponse } from "@/shared/account";
import { TASK_TITLES } from "@/shared/task-titles";
import type { BackgroundTask } from "@/shared/tasks";

export type { Locale };

type Translator = ReturnType<typeof useTranslations<never>>;
export type MessageKey = Parameters<Translator>[0];

/**
 * The UI's strings, from next-intl (messages in src/i18n/messages, ICU syntax; the locale is chosen on the server
 * in src/i18n/request.ts). `t("tasks.cancel")`, `t("generate.submit", { n })`.
 */
export function useI18n() {
  const t = useTranslations();
  const locale = useLocale();
  const router = useRouter();
  /** Saves the choice (cookie, and the account when signed in), then renders the page again in that language. */
  const setLocale = useCallback(
    async (next: Locale) => {
      await api<SetLocaleResponse>("/api/account/locale", { method: "PUT", body: JSON.stringify({ locale: next }) });
      router.refresh();
    },
    [router],
  );
  /** A server error in the reader's language, from its stable code; the server's own message for codes we do not know. */
  const errorText = useCallback(
    (code: string, fallback: string) => {
      const key = `error.${code}` as MessageKey;
      return t.has(key) ? t(key) : fallback;
    },
    [t],
  );
  /** A task's title in the reader's language, built from its type and parameters; the stored title when it was given. */
  const taskTitle = useCallback(
    (task: Pick<BackgroundTask, "type" | "title" | "titleParams">) => {
      const spec = TASK_TITLES[task.type as keyof typeof TASK_TITLES];
      return spec && task.titleParams ? t(spec.key, task.titleParams) : task.title;
    },
    [t],
  );
  return useMemo(() => ({ t, locale, setLocale, errorText, taskTitle }), [t, locale, setLocale, errorText, taskTitle]);
}

/** "12 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
