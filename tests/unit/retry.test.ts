import { describe, expect, it } from "vitest";
import { isRetryableDbError, withRetries } from "@/server/tasks/retry";

const pgError = (code: string, message = "error") => Object.assign(new Error(message), { code });

describe("retrying terminal writes", () => {
  it("tells transient database errors from permanent ones, through drizzle's wrapping", () => {
    for (const code of ["40001", "40P01", "57P01", "08006", "08003", "ECONNRESET", "ECONNREFUSED"]) expect(isRetryableDbError(pgError(code))).toBe(true);
    expect(isRetryableDbError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isRetryableDbError(Object.assign(new Error("Failed query: update …"), { cause: pgError("40001") }))).toBe(true);
    for (const code of ["23505", "23503", "42P01", "22P02"]) expect(isRetryableDbError(pgError(code))).toBe(false);
    expect(isRetryableDbError(new Error("The task failed"))).toBe(false);
  });

  it("tries again after a transient error, gives up after the last try, and never retries a permanent error", async () => {
    let calls = 0;
    expect(await withRetries(async () => (++calls < 3 ? Promise.reject(pgError("40P01")) : "done"), { baseDelayMs: 1 })).toBe("done");
    expect(calls).toBe(3);

    calls = 0;
    await expect(withRetries(async () => Promise.reject(pgError("57P01", `try ${++calls}`)), { attempts: 4, baseDelayMs: 1 })).rejects.toThrow("try 4");

    calls = 0;
    await expect(withRetries(async () => Promise.reject(pgError("23505", `try ${++calls}`)), { baseDelayMs: 1 })).rejects.toThrow("try 1");
  });
});
