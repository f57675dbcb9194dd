import { getApp } from "@/server/app";
import { setAccountLocale } from "@/server/account";
import { errorResponse, json, parseWith, readJson } from "@/server/http/respond";
import { guardApiRequest } from "@/server/http/with-user";
import { LOCALE_COOKIE } from "@/i18n/locales";
import { setLocaleBodySchema, type SetLocaleResponse } from "@/shared/account";

export const dynamic = "force-dynamic";

/**
 * The reader's UI language: kept in a cookie for this browser, and on the account when signed in (so the
 * sign-in page of a new device is the only one that may start in another language).
 */
export async function PUT(request: Request): Promise<Response> {
  try {
    const app = await getApp();
    guardApiRequest(request, app);
    const { locale } = parseWith(setLocaleBodySchema, await readJson(request));
    const session = await app.auth.api.getSession({ headers: request.headers });
    if (session) await setAccountLocale(app.database.db, session.user.id, locale);
    const response = json({ locale, savedToAccount: Boolean(session) } satisfies SetLocaleResponse);
    const secure = new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
    response.headers.append(
      "Set-Cookie",
      `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=${60 * 60 * 24 * 365}; SameSite=Lax${secure ? "; Secure" : ""}`,
    );
    return response;
  } catch (err) {
    return errorResponse(err);
  }
}
