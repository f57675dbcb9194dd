import { z } from "zod";
import { LOCALES } from "../i18n/locales";

export const setLocaleBodySchema = z.object({ locale: z.enum(LOCALES, { message: `locale must be one of ${LOCALES.join(", ")}` }) });
export type SetLocaleBody = z.infer<typeof setLocaleBodySchema>;
export interface SetLocaleResponse {
  locale: SetLocaleBody["locale"];
  /** True when the account was signed in and now keeps the choice for all its devices. */
  savedToAccount: boolean;
}
