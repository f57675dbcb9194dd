import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getApp } from "@/server/app";
import { TaskList } from "./task-list";
import { SignOutButton } from "./sign-out-button";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const { auth } = await getApp();
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) redirect("/sign-in");
  return (
    <main>
      <header style={{ display: "flex", justifyContent: "space-between", alignItems: "center", gap: "1rem" }}>
        <h1>CV Tasks</h1>
        <span className="muted">
          {session.user.email} <SignOutButton />
        </span>
      </header>
      <TaskList />
    </main>
  );
}
