import { headers } from "next/headers";
import { cache } from "react";
import { getApp } from "@/server/app";

/** The session of the page being rendered, looked up once per render (the layout and the locale both ask). */
export const pageSession = cache(async () => {
  const { auth } = await getApp();
  return auth.api.getSession({ headers: await headers() });
});
