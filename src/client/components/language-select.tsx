"use client";

import { useI18n, type Locale } from "@/client/i18n";
import { LOCALES } from "@/i18n/locales";

const NAMES: Record<Locale, string> = { en: "English", fr: "Français" };

/** The UI language: saved for this browser and, when signed in, for the account. */
export function LanguageSelect() {
  const { t, locale, setLocale } = useI18n();
  return (
    <>
      <label className="sr-only" htmlFor="locale">
        {t("nav.language")}
      </label>
      <select id="locale" value={locale} onChange={(e) => void setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {NAMES[l]}
          </option>
        ))}
      </select>
    </>
  );
}
