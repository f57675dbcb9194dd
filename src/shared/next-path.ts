/** Request header set by src/proxy.ts: the page asked for, so that a signed-out visit comes back to it after signing in. */
export const PAGE_PATH_HEADER = "x-cv-tasks-path";

/** Where to go after signing in: a path of this site only ("/cvs/1?x"), never another origin ("//evil", "/\\evil", "https:"). */
export function safeNextPath(value: string | null | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\") || value.length > 2000) return "/";
  if (value.startsWith("/sign-in") || value.startsWith("/sign-up") || value.startsWith("/api/")) return "/";
  return value;
}
