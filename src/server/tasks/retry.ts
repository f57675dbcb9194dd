/**
 * Retrying the writes that must happen. As graphile-worker puts it (`withRetries` in its `src/lib.ts`), a
 * job must always be released: a terminal write (complete, fail, requeue, lease release) that meets a
 * transient database error is tried again; when it still cannot be made, the caller keeps the lease and
 * lets expiry recovery take the task back, so no task stays `running`.
 */

/** SQLSTATE classes and codes that say "try again": the same statement may well succeed. */
const RETRYABLE_SQLSTATES = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "55P03", // lock_not_available
  "57P01", // admin_shutdown (server restarted, backend terminated)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (server starting up)
  "53300", // too_many_connections
]);
const RETRYABLE_NODE_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ENOTCONN", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
const RETRYABLE_MESSAGES = [/connection terminated/i, /connection (is )?(closed|ended)/i, /client has encountered a connection error/i, /timeout exceeded when trying to connect/i];

/** Whether `err` (or its cause, as drizzle wraps driver errors) is a transient database error. */
export function isRetryableDbError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") {
      if (RETRYABLE_SQLSTATES.has(code) || code.startsWith("08") || RETRYABLE_NODE_CODES.has(code)) return true;
    }
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && RETRYABLE_MESSAGES.some((re) => re.test(message))) return true;
  }
  return false;
}

export interface RetryOptions {
  /** Tries in all (first included). */
  attempts?: number;
  /** First backoff; doubled each time, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (attempt: number, err: unknown) => void;
}

/** Runs `fn`, trying again after a backoff while it throws a retryable database error. */
export async function withRetries<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 6;
  const base = opts.baseDelayMs ?? 50;
  const max = opts.maxDelayMs ?? 2000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !isRetryableDbError(err)) throw err;
      opts.onRetry?.(attempt, err);
      const delay = Math.min(max, base * 2 ** (attempt - 1));
      await new Promise((r) => setTimeout(r, delay / 2 + Math.random() * (delay / 2)));
    }
  }
}
