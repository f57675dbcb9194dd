import { describe, expect, it } from "vitest";
import { passwordProblem } from "@/server/auth/password";
import { AuthRateLimiter, SIGN_IN_PER_ACCOUNT } from "@/server/auth/rate-limit";
import { findUnsafeText } from "@/server/http/body";
import { clientAddress } from "@/server/http/client-ip";
import { checkMutation, hostAllowed } from "@/server/http/guard";
import { describeForLog } from "@/server/http/respond";

describe("logs", () => {
  it("describe a database error by its class, code and frames, never its message or parameters", () => {
    const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { name: "error", code: "22021" });
    const err = new Error("Failed query: insert into cv (title) values ($1)\nparams: my secret CV title\n    at fake (evil:1:1)", { cause });
    const line = describeForLog(err);
    expect(line).toContain("code=22021");
    expect(line).not.toContain("secret");
    expect(line).not.toContain("evil");
    expect(line).toMatch(/http-guards\.test\.ts:\d+:\d+/);
  });
});

describe("user text", () => {
  it("finds the path of a NUL byte or a lone surrogate", () => {
    expect(findUnsafeText({ offers: [{ text: "ok" }, { text: "a\u0000b" }] })).toBe("offers.1.text");
    expect(findUnsafeText({ title: "\udc00" })).toBe("title");
    expect(findUnsafeText({ title: "emoji 😀 fine", n: 1 })).toBeNull();
  });
});

describe("client address", () => {
  it("is the socket's unless proxies are trusted, then read from the right of X-Forwarded-For", () => {
    expect(clientAddress("127.0.0.1", "6.6.6.6", 0)).toBe("127.0.0.1");
    expect(clientAddress("10.0.0.2", "6.6.6.6, 198.51.100.9", 1)).toBe("198.51.100.9");
    expect(clientAddress("10.0.0.2", "198.51.100.9, 10.0.0.1", 2)).toBe("198.51.100.9");
    expect(clientAddress("10.0.0.2", undefined, 3)).toBe("10.0.0.2");
    expect(clientAddress("::ffff:127.0.0.1", undefined, 0)).toBe("127.0.0.1");
    expect(clientAddress("10.0.0.2", "not-an-ip", 1)).toBeNull();
  });
});

describe("origin checks", () => {
  const policy = { allowedHosts: ["localhost:*", "127.0.0.1:*"] };
  const req = (headers: Record<string, string>, method = "POST") => new Request("http://127.0.0.1:3000/api/x", { method, headers: { host: "127.0.0.1:3000", ...headers } });
  const status = (r: Request) => {
    try {
      checkMutation(r, policy);
      return 200;
    } catch (err) {
      return (err as { status: number }).status;
    }
  };

  it("accepts same-origin writes and refuses cross-site ones", () => {
    expect(hostAllowed("127.0.0.1:3000", policy.allowedHosts)).toBe(true);
    expect(hostAllowed("evil.example", policy.allowedHosts)).toBe(false);
    expect(status(req({ origin: "http://127.0.0.1:3000", "content-type": "application/json", "content-length": "2" }))).toBe(200);
    expect(status(req({ origin: "http://127.0.0.1:3001", "content-type": "application/json", "content-length": "2" }))).toBe(403);
    expect(status(req({ origin: "null", "content-type": "application/json", "content-length": "2" }))).toBe(403);
    expect(status(req({ "sec-fetch-site": "same-site", "content-type": "text/plain", "content-length": "2" }))).toBe(403);
    expect(status(req({ "content-type": "text/plain", "content-length": "2" }))).toBe(403);
    expect(status(req({ "content-type": "application/json", "content-length": "2" }))).toBe(200);
    expect(status(req({ origin: "http://127.0.0.1:3000", "content-type": "text/plain", "content-length": "2" }))).toBe(415);
    expect(status(req({}, "DELETE"))).toBe(200);
    expect(status(req({ origin: "http://127.0.0.1:3001" }, "GET"))).toBe(200);
  });
});

describe("accounts", () => {
  it("refuses short and common passwords", () => {
    expect(passwordProblem("password")?.code).toBe("PASSWORD_TOO_SHORT");
    expect(passwordProblem("1234567890")?.code).toBe("PASSWORD_TOO_COMMON");
    expect(passwordProblem("Password123")?.code).toBe("PASSWORD_TOO_COMMON");
    expect(passwordProblem("correct horse battery")).toBeNull();
  });

  it("limits sign-ins per account whatever the address, and a success clears the account's count", () => {
    const limiter = new AuthRateLimiter();
    for (let i = 0; i < SIGN_IN_PER_ACCOUNT.max; i++) expect(limiter.beginSignIn({ account: "v", address: `203.0.113.${i}` })).toBe(0);
    expect(limiter.beginSignIn({ account: "v", address: "198.51.100.1" })).toBeGreaterThan(0);
    expect(limiter.beginSignIn({ account: "other", address: "203.0.113.1" })).toBe(0);
    limiter.signInSucceeded({ account: "other", address: "203.0.113.1" });
    const fresh = new AuthRateLimiter();
    for (let i = 0; i < 5; i++) fresh.beginSignIn({ account: "w", address: null });
    fresh.signInSucceeded({ account: "w", address: null });
    for (let i = 0; i < SIGN_IN_PER_ACCOUNT.max; i++) expect(fresh.beginSignIn({ account: "w", address: null })).toBe(0);
  });
});

describe("deep bodies", () => {
  it("walks a body nested 200,000 levels deep without overflowing the stack", () => {
    const deep = JSON.parse(`${"[".repeat(200_000)}"a\\u0000"${"]".repeat(200_000)}`);
    const path = findUnsafeText(deep)!;
    expect(path.split(".")).toHaveLength(200_000);
    expect(path).toMatch(/^0(\.0)+$/);
  });
});
