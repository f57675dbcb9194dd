import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { pageSession } from "@/app/page-session";
import { chooseLocale, LOCALE_COOKIE } from "./locales";
import en from "./messages/en.json";
import fr from "./messages/fr.json";

const MESSAGES = { en, fr };

/** Chosen on the server for every page, so the first HTML is already in the reader's language (no flash). */
export default getRequestConfig(async () => {
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  const session = cookieStore.getAll().some((c) => c.name.includes("session_token")) ? await pageSession() : null;
  const locale = chooseLocale({
    account: (session?.user as { locale?: string | null } | undefined)?.locale,
    cookie: cookieStore.get(LOCALE_COOKIE)?.value,
    acceptLanguage: headerList.get("accept-language"),
  });
  return { locale, messages: MESSAGES[locale] };
});
