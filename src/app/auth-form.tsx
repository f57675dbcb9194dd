"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "@/client/auth-client";

/** The sign-in and sign-up form: one component, two modes. */
export function AuthForm({ mode }: { mode: "sign-in" | "sign-up" }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const signUp = mode === "sign-up";

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    setPending(true);
    setError(null);
    const { error } = signUp
      ? await authClient.signUp.email({ email, password, name: String(form.get("name") ?? "") || email.split("@")[0]! })
      : await authClient.signIn.email({ email, password });
    setPending(false);
    if (error) {
      setError(error.message ?? "That did not work. Please try again.");
      return;
    }
    router.replace("/");
    router.refresh();
  }

  return (
    <main>
      <form className="card auth" onSubmit={onSubmit} aria-describedby={error ? "auth-error" : undefined}>
        <h1>{signUp ? "Create your account" : "Sign in"}</h1>
        {error && (
          <p id="auth-error" className="error" role="alert">
            {error}
          </p>
        )}
        {signUp && (
          <label className="field">
            Name
            <input name="name" autoComplete="name" maxLength={100} />
          </label>
        )}
        <label className="field">
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label className="field">
          Password
          <input
            name="password"
            type="password"
            autoComplete={signUp ? "new-password" : "current-password"}
            minLength={signUp ? 10 : undefined}
            maxLength={128}
            aria-describedby={signUp ? "password-hint" : undefined}
            required
          />
        </label>
        {signUp && (
          <p id="password-hint" className="muted small">
            At least 10 characters. Common passwords are refused: a phrase of several unrelated words works well.
          </p>
        )}
        <button className="primary" type="submit" disabled={pending}>
          {signUp ? "Create account" : "Sign in"}
        </button>
        <p className="muted">
          {signUp ? (
            <>Already have an account? <Link href="/sign-in">Sign in</Link></>
          ) : (
            <>New here? <Link href="/sign-up">Create an account</Link></>
          )}
        </p>
      </form>
    </main>
  );
}
