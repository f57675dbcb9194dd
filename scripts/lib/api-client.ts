import { randomUUID } from "node:crypto";

export interface ApiResult<T = unknown> {
  status: number;
  body: T;
  /** Size of the response body in bytes. */
  bytes: number;
  raw: Buffer;
  headers: Headers;
}

/** An HTTP client for the app that keeps one user's session cookie, like a signed-in device. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private cookie: string | null = null,
    readonly deviceId: string = `device-${randomUUID().slice(0, 8)}`,
  ) {}

  /** The session cookie header, for clients other than this one (an EventSource, a browser). */
  get cookieHeader(): string {
    return this.cookie ?? "";
  }

  /** The same account on another device: same session, another device id. */
  otherDevice(deviceId?: string): ApiClient {
    return new ApiClient(this.baseUrl, this.cookie, deviceId);
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult<T>> {
    const isForm = body instanceof FormData;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        "X-Device-Id": this.deviceId,
        origin: this.baseUrl,
        ...(body !== undefined && typeof body !== "string" && !isForm ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" || isForm ? (body as string | FormData) : JSON.stringify(body),
    });
    const setCookie = res.headers.getSetCookie();
    if (setCookie.length) this.cookie = setCookie.map((c) => c.split(";")[0]).join("; ");
    const raw = Buffer.from(await res.arrayBuffer());
    const text = raw.toString("utf8");
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, bytes: raw.byteLength, raw, headers: res.headers };
  }

  get<T = unknown>(path: string) {
    return this.request<T>("GET", path);
  }
  post<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>("POST", path, body, headers);
  }
  delete<T = unknown>(path: string, body?: unknown) {
    return this.request<T>("DELETE", path, body);
  }
  patch<T = unknown>(path: string, body?: unknown) {
    return this.request<T>("PATCH", path, body);
  }

  /** Uploads a file as multipart/form-data (field `file`), with extra fields. */
  upload<T = unknown>(path: string, data: Uint8Array, fileName: string, fields: Record<string, string> = {}, type = "application/pdf") {
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(data)], { type }), fileName);
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    return this.request<T>("POST", path, form);
  }

  /** Signs a new user up (and in). */
  static async signUp(baseUrl: string, email = `user-${randomUUID()}@example.test`, password = "correct horse battery"): Promise<ApiClient> {
    const client = new ApiClient(baseUrl);
    const res = await client.post("/api/auth/sign-up/email", { email, password, name: email.split("@")[0] });
    if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
    return client;
  }
}
