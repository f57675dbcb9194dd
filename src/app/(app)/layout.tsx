import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppShell } from "@/client/components/app-shell";
import { getApp } from "@/server/app";

export const dynamic = "force-dynamic";

/** Signed-in pages: without a session, off to the sign-in page. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const { auth } = await getApp();
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) redirect("/sign-in");
  return <AppShell email={session.user.email}>{children}</AppShell>;
}
