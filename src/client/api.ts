import { DEVICE_ID_HEADER, type ApiErrorBody } from "@/shared/tasks";

const DEVICE_KEY = "cv-tasks.device-id";

/** One stable id per browser, kept in localStorage. */
export function deviceId(): string {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** With `invalid_fields`: each problem's field path and code. */
    readonly fields?: NonNullable<ApiErrorBody["error"]["fields"]>,
  ) {
    super(message);
  }
}

/** fetch for our JSON API: sends the device id, and turns error bodies into ApiError. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set(DEVICE_ID_HEADER, deviceId());
  if (init.body && typeof init.body === "string") headers.set("Content-Type", "application/json");
  const res = await fetch(path, { ...init, headers, cache: "no-store" });
  const body = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const err = (body as ApiErrorBody | null)?.error;
    throw new ApiError(res.status, err?.code ?? "http_error", err?.message ?? `The server answered ${res.status}.`, err?.fields);
  }
  return body as T;
}
