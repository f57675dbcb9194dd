import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppShell } from "@/client/components/app-shell";
import { getApp } from "@/server/app";
import { PAGE_PATH_HEADER, safeNextPath } from "@/shared/next-path";
import { pageSession } from "../page-session";

export const dynamic = "force-dynamic";

/** Signed-in pages: without a session, off to the sign-in page, which comes back to the page asked for. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await pageSession();
  if (!session) {
    const next = safeNextPath((await headers()).get(PAGE_PATH_HEADER));
    redirect(next === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`);
  }
  const { config } = await getApp();
  return (
    <AppShell email={session.user.email} historyLimit={config.tasks.historyLimit}>
      {children}
    </AppShell>
  );
}
