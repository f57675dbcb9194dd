import { z } from "zod";
import { AppError, badRequest, firstIssueMessage } from "../errors";
import { readJsonBody } from "./body";
import { DEVICE_ID_HEADER, deviceIdSchema, type ApiErrorBody } from "../../shared/tasks";
import { fieldIssues } from "../../shared/cv-fields";

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

/** What an error answers: its status, JSON body and Retry-After (an unexpected error is logged and says nothing). */
export function errorPayload(err: unknown): { status: number; body: ApiErrorBody; retryAfterSeconds?: number } {
  if (AppError.is(err)) {
    const retryAfter = err.details?.retryAfterSeconds;
    return {
      status: err.status,
      body: { error: { code: err.code, message: err.message, ...err.details } },
      retryAfterSeconds: typeof retryAfter === "number" ? retryAfter : undefined,
    };
  }
  console.error(`[api] unexpected error: ${describeForLog(err)}`);
  return { status: 500, body: { error: { code: "internal_error", message: "Something went wrong on the server. Please try again." } } };
}

export function errorResponse(err: unknown): Response {
  const { status, body, retryAfterSeconds } = errorPayload(err);
  const response = json(body, status);
  if (retryAfterSeconds !== undefined) response.headers.set("Retry-After", String(retryAfterSeconds));
  return response;
}

/** Validates `value` with `schema`, or throws a 400 that names the first problem. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw badRequest(firstIssueMessage(parsed.error));
}

/**
 * Validates a form's body with `schema`, or throws a 400 `invalid_fields` whose `fields` list every problem
 * as a stable code with its field's path (the client translates them and shows each next to its field).
 */
export function parseFields<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError(400, "invalid_fields", firstIssueMessage(parsed.error), { fields: fieldIssues(parsed.error) });
}

/** The JSON body, bounded (413 over MAX_JSON_BYTES) and free of NUL bytes and lone surrogates (400 naming the field). */
export const readJson = readJsonBody;

/**
 * What an unexpected error says in the log: its class, its codes (a PostgreSQL SQLSTATE, say) and where it was
 * thrown, never its message. Messages of database errors carry the query's parameters, that is, user text.
 */
export function describeForLog(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 4; depth++) {
    if (typeof current !== "object") {
      parts.push(typeof current);
      break;
    }
    const e = current as { name?: unknown; code?: unknown; stack?: unknown; cause?: unknown };
    const name = typeof e.name === "string" ? e.name : (current.constructor?.name ?? "object");
    const code = typeof e.code === "string" || typeof e.code === "number" ? ` code=${String(e.code).slice(0, 40)}` : "";
    // The stack begins with "Name: message" (the message may span lines): only what follows is code.
    const message = typeof (e as { message?: unknown }).message === "string" ? (e as { message: string }).message : "";
    const header = message ? `${String(e.name)}: ${message}` : String(e.name);
    const stack = typeof e.stack === "string" ? (e.stack.startsWith(header) ? e.stack.slice(header.length) : e.stack.split("\n").slice(1).join("\n")) : null;
    const frames =
      stack !== null
        ? stack
            .split("\n")
            .filter((line) => /^\s+at [\w$.<>\[\] ]*\(?[^\s()]+:\d+:\d+\)?$/.test(line)) // code frames only, not message lines
            .slice(0, 6)
            .map((line) => line.trim())
            .join(" | ")
        : "";
    parts.push(`${name}${code}${frames ? ` [${frames}]` : ""}`);
    current = e.cause;
  }
  return parts.join(" <- caused by ");
}

export function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}

/** The X-Device-Id header, validated; null when the client sends none. */
export function deviceIdOf(request: Request): string | null {
  const raw = request.headers.get(DEVICE_ID_HEADER);
  return raw === null ? null : parseWith(deviceIdSchema, raw);
}
