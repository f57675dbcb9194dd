"use client";

import { useRouter } from "next/navigation";
import { authClient } from "@/client/auth-client";

export function SignOutButton({ label }: { label: string }) {
  const router = useRouter();
  return (
    <button
      type="button"
      onClick={async () => {
        await authClient.signOut();
        router.replace("/sign-in");
        router.refresh();
      }}
    >
      {label}
    </button>
  );
}
