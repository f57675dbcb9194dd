import Negotiator from "negotiator";

/** The languages of the UI; the first is the fallback. Plain module: no Next.js imports (server, client and tests use it). */
export const LOCALES = ["en", "fr"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
/** Remembers the reader's choice on this browser (signed out, or before the account has one). */
export const LOCALE_COOKIE = "cv-tasks.locale";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The best of our languages for an Accept-Language header ("fr-CA,fr;q=0.9,en;q=0.5" → fr), or the fallback. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  if (!header) return DEFAULT_LOCALE;
  const best = new Negotiator({ headers: { "accept-language": header } }).language([...LOCALES]);
  return isLocale(best) ? best : DEFAULT_LOCALE;
}

/** The page's language: the account's setting, then this browser's cookie, then what the browser asks for. */
export function chooseLocale(input: { account?: string | null; cookie?: string | null; acceptLanguage?: string | null }): Locale {
  if (isLocale(input.account)) return input.account;
  if (isLocale(input.cookie)) return input.cookie;
  return localeFromAcceptLanguage(input.acceptLanguage);
}
