import { eq } from "drizzle-orm";
import type { Database } from "./db/client";
import { user } from "./db/schema";
import type { Locale } from "../i18n/locales";

/** Records the account's UI language: every device signed in to it renders in that language from the next page on. */
export async function setAccountLocale(db: Database, userId: string, locale: Locale): Promise<void> {
  await db.update(user).set({ locale, updatedAt: new Date() }).where(eq(user.id, userId));
}
