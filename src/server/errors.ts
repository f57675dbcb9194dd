// Next.js may load a module once per bundle, so a class thrown by one copy fails `instanceof` against
// another: errors that cross module boundaries carry a registered symbol and are recognised by it.
const APP_ERROR = Symbol.for("cv-tasks.AppError");

/** An error meant for the caller: its status, code and message reach the HTTP response as they are. */
export class AppError extends Error {
  readonly [APP_ERROR] = true;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }

  static is(err: unknown): err is AppError {
    return typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[APP_ERROR] === true;
  }
}

/** "path.to.field: message" for the first problem Zod found, under an optional root ("payload"). */
export function firstIssueMessage(error: { issues: { path: PropertyKey[]; message: string }[] }, root?: string): string {
  const issue = error.issues[0];
  if (!issue) return root ? `${root}: invalid input` : "invalid input";
  const path = [...(root ? [root] : []), ...issue.path.map(String)];
  return `${path.length ? `${path.join(".")}: ` : ""}${issue.message}`;
}

export const badRequest = (message: string, code = "bad_request") => new AppError(400, code, message);
export const notFound = (message = "Not found.", code = "not_found") => new AppError(404, code, message);
export const conflict = (message: string, code = "conflict", details?: Record<string, unknown>) =>
  new AppError(409, code, message, details);
export const unauthorized = () => new AppError(401, "unauthorized", "Sign in to continue.");
