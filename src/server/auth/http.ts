/**
 * The /api/auth/* entry point around better-auth: the same Host and same-origin checks as the rest of the API,
 * a bounded body without NUL bytes or lone surrogates, the password policy at sign-up, and the sign-in and
 * sign-up rate limits. Errors keep better-auth's shape ({code, message}, which its client shows) and the API's
 * ({error: {code, message}}).
 */
import type { App } from "../app";
import { AppError } from "../errors";
import { findUnsafeText, readBodyBounded, unsafeTextError } from "../http/body";
import { clientIpOf } from "../http/client-ip";
import { describeForLog } from "../http/respond";
import { guardApiRequest } from "../http/with-user";
import { passwordProblem } from "./password";
import { AuthRateLimiter } from "./rate-limit";

const MAX_AUTH_BODY_BYTES = 64 * 1024;

const holder = globalThis as typeof globalThis & { __cvTasksAuthLimiter?: AuthRateLimiter };
const limiter = (holder.__cvTasksAuthLimiter ??= new AuthRateLimiter());

function authError(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ code, message, error: { code, message } }, { status, headers: { "Cache-Control": "no-store", ...headers } });
}

const tooMany = (seconds: number) =>
  authError(429, "TOO_MANY_ATTEMPTS", `Too many attempts. Wait ${Math.ceil(seconds / 60)} minute(s), then try again.`, {
    "Retry-After": String(seconds),
  });

function pathOf(request: Request): string {
  return new URL(request.url).pathname.replace(/\/+$/, "");
}

export async function handleAuthRequest(request: Request, app: App): Promise<Response> {
  let forwarded = request;
  let fields: Record<string, unknown> = {};
  try {
    guardApiRequest(request, app);
    if (request.method === "POST") {
      const bytes = await readBodyBounded(request, MAX_AUTH_BODY_BYTES, "The request body is too large.");
      if (bytes.byteLength > 0) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(new TextDecoder().decode(bytes));
        } catch {
          throw new AppError(400, "INVALID_JSON", "The request body is not valid JSON.");
        }
        const unsafe = findUnsafeText(parsed);
        if (unsafe !== null) throw new AppError(400, "INVALID_TEXT", unsafeTextError(unsafe).message);
        if (typeof parsed === "object" && parsed !== null) fields = parsed as Record<string, unknown>;
      }
      forwarded = new Request(request.url, { method: request.method, headers: request.headers, body: bytes.byteLength ? bytes : undefined });
    }
  } catch (err) {
    if (AppError.is(err)) return authError(err.status, err.code, err.message);
    console.error(`[auth] unexpected error: ${describeForLog(err)}`);
    return authError(500, "INTERNAL_ERROR", "Something went wrong on the server. Please try again.");
  }

  const path = pathOf(request);
  const email = typeof fields.email === "string" ? fields.email.trim().toLowerCase() : undefined;
  const attempt = { account: email, address: clientIpOf(request.headers) };
  const limited = app.config.authRateLimit && request.method === "POST";

  if (request.method === "POST" && path.endsWith("/sign-up/email")) {
    const password = typeof fields.password === "string" ? fields.password : "";
    const problem = passwordProblem(password, email);
    if (problem) return authError(400, problem.code, problem.message);
    if (typeof fields.name === "string" && fields.name.length > 100) return authError(400, "NAME_TOO_LONG", "Use a name of at most 100 characters.");
    if (limited) {
      const wait = limiter.beginSignUp(attempt);
      if (wait > 0) return tooMany(wait);
    }
    return app.auth.handler(forwarded);
  }

  if (request.method === "POST" && path.endsWith("/sign-in/email")) {
    if (limited) {
      const wait = limiter.beginSignIn(attempt);
      if (wait > 0) return tooMany(wait);
    }
    const response = await app.auth.handler(forwarded);
    if (limited && response.ok) limiter.signInSucceeded(attempt);
    return response;
  }

  return app.auth.handler(forwarded);
}
