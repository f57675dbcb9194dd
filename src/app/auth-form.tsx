"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { authClient } from "@/client/auth-client";
import { LanguageSelect } from "@/client/components/language-select";
import { useI18n, type MessageKey } from "@/client/i18n";
import { safeNextPath } from "@/shared/next-path";

/** The sign-in and sign-up form: one component, two modes. `next`: the page the reader asked for before signing in. */
export function AuthForm({ mode, next }: { mode: "sign-in" | "sign-up"; next?: string }) {
  const { t } = useI18n();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const errorRef = useRef<HTMLParagraphElement>(null);
  const signUp = mode === "sign-up";
  const target = safeNextPath(next);
  const other = `${signUp ? "/sign-in" : "/sign-up"}${target !== "/" ? `?next=${encodeURIComponent(target)}` : ""}`;

  // The reason is read out and focused once it is on the page (a frame callback could run before React has
  // rendered it, and focus then stayed on <body>, the submit button being disabled meanwhile).
  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    setPending(true);
    setError(null);
    const { error } = await (signUp
      ? authClient.signUp.email({ email, password, name: String(form.get("name") ?? "") || email.split("@")[0]! })
      : authClient.signIn.email({ email, password })
    ).catch(() => ({ error: { code: "OFFLINE", status: 0, message: undefined } }));
    setPending(false);
    if (error) {
      // The form keeps what was typed.
      const key = `authError.${error.code ?? ""}` as MessageKey;
      setError(t.has(key) ? t(key) : (error.message ?? t("authError.generic")));
      return;
    }
    router.replace(target);
    router.refresh();
  }

  return (
    <main id="main" className="auth-page">
      <div className="auth-page__lang">
        <LanguageSelect />
      </div>
      <form className="card auth" onSubmit={onSubmit} aria-describedby={error ? "auth-error" : undefined}>
        <h1>{signUp ? t("auth.signUpTitle") : t("auth.signIn")}</h1>
        {error && (
          <p id="auth-error" className="error" role="alert" tabIndex={-1} ref={errorRef}>
            {error}
          </p>
        )}
        {signUp && (
          <label className="field">
            {t("auth.name")}
            <input name="name" autoComplete="name" maxLength={100} />
          </label>
        )}
        <label className="field">
          {t("auth.email")}
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label className="field">
          {t("auth.password")}
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
            {t("auth.passwordHint")}
          </p>
        )}
        <button className="primary" type="submit" disabled={pending}>
          {signUp ? t("auth.signUp") : t("auth.signIn")}
        </button>
        <p className="muted">
          {signUp ? t("auth.haveAccount") : t("auth.newHere")} <Link href={other}>{signUp ? t("auth.signIn") : t("auth.createAccountLink")}</Link>
        </p>
      </form>
    </main>
  );
}
