import { z } from "zod";
import { AppError, badRequest, firstIssueMessage } from "../errors";
import { DEVICE_ID_HEADER, deviceIdSchema, type ApiErrorBody } from "../../shared/tasks";

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

export function errorResponse(err: unknown): Response {
  if (AppError.is(err)) {
    const body: ApiErrorBody = { error: { code: err.code, message: err.message, ...err.details } };
    const response = json(body, err.status);
    const retryAfter = err.details?.retryAfterSeconds;
    if (typeof retryAfter === "number") response.headers.set("Retry-After", String(retryAfter));
    return response;
  }
  console.error("[api] unexpected error:", err);
  return json({ error: { code: "internal_error", message: "Something went wrong on the server. Please try again." } }, 500);
}

/** Validates `value` with `schema`, or throws a 400 that names the first problem. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw badRequest(firstIssueMessage(parsed.error));
}

export async function readJson(request: Request, { optional = false } = {}): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") {
    if (optional) return undefined;
    throw badRequest("The request body is empty; send a JSON object.", "invalid_json");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("The request body is not valid JSON.", "invalid_json");
  }
}

export function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}

/** The X-Device-Id header, validated; null when the client sends none. */
export function deviceIdOf(request: Request): string | null {
  const raw = request.headers.get(DEVICE_ID_HEADER);
  return raw === null ? null : parseWith(deviceIdSchema, raw);
}
