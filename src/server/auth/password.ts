import { dictionary } from "@zxcvbn-ts/language-common";

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;

// The most common passwords of leaked-password lists, as maintained and shipped by @zxcvbn-ts/language-common
// (offline, no network call): built once, on first use.
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  return (common ??= new Set(dictionary["passwords-common"].map((p) => p.toLowerCase())));
}

export interface PasswordProblem {
  code: "PASSWORD_TOO_SHORT" | "PASSWORD_TOO_LONG" | "PASSWORD_TOO_COMMON";
  message: string;
}

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, email?: string): PasswordProblem | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return { code: "PASSWORD_TOO_SHORT", message: `Use a password of at least ${MIN_PASSWORD_LENGTH} characters.` };
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return { code: "PASSWORD_TOO_LONG", message: `Use a password of at most ${MAX_PASSWORD_LENGTH} characters.` };
  }
  const lower = password.toLowerCase();
  const local = email?.split("@")[0]?.toLowerCase();
  if (commonPasswords().has(lower) || /^(.)\1+$/.test(password) || (local && local.length >= 4 && lower === local)) {
    return {
      code: "PASSWORD_TOO_COMMON",
      message: "This password is too common and easy to guess. Choose a longer phrase of several unrelated words.",
    };
  }
  return null;
}
