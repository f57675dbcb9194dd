import { AppError, badRequest } from "../errors";

/**
 * JSON bodies: room for the largest legitimate request, 10 job offers of 50,000 characters each, even in
 * scripts that take three bytes a character in UTF-8 (1.5 MB), plus the rest of the request. No more.
 */
export const MAX_JSON_BYTES = 2 * 1024 * 1024;

export const tooLarge = (message: string, code = "body_too_large") => new AppError(413, code, message);

/** A declared Content-Length over `limit` is refused before a byte of the body is read (413 with `message`). */
export async function refuseDeclaredOver(request: Request, limit: number, message: string, code?: string): Promise<void> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge(message, code);
  }
}

/**
 * Reads a request body, never holding more than `limit` bytes: a declared Content-Length over the limit is
 * refused before reading anything, and a chunked body is refused as soon as it goes past the limit (the rest
 * is never read). Throws a 413 with `message`.
 */
export async function readBodyBounded(request: Request, limit: number, message: string, code?: string): Promise<Uint8Array<ArrayBuffer>> {
  await refuseDeclaredOver(request, limit, message, code);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(message, code);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Where the first string holding a NUL byte or a lone UTF-16 surrogate sits in `value` ("offers.0.text"), or
 * null. Iterative, so that a deeply nested body cannot overflow the stack.
 */
export function findUnsafeText(value: unknown): string | null {
  interface Node {
    value: unknown;
    key: string | null;
    parent: Node | null;
  }
  // Paths are rebuilt from parent links only for the one string found: no copying per level.
  const pathOf = (node: Node, extra?: string) => {
    const keys: string[] = extra ? [extra] : [];
    for (let n: Node | null = node; n && n.key !== null; n = n.parent) keys.push(n.key);
    return keys.reverse().join(".") || "(body)";
  };
  const stack: Node[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const current = node.value;
    if (typeof current === "string") {
      if (!isSafeText(current)) return pathOf(node);
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], key: String(i), parent: node });
    } else if (typeof current === "object" && current !== null) {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        if (!isSafeText(key)) return pathOf(node, "(key)");
        stack.push({ value: child, key, parent: node });
      }
    }
  }
  return null;
}

/** No NUL byte and no lone surrogate (text PostgreSQL and every UTF-8 consumer can store). */
export function isSafeText(text: string): boolean {
  // String.prototype.isWellFormed (Node 20+): false when a UTF-16 surrogate has no partner.
  return !text.includes("\u0000") && (text as string & { isWellFormed(): boolean }).isWellFormed();
}

export function unsafeTextError(path: string) {
  const field = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  return badRequest(`${field}: contains a NUL character or an invalid Unicode character; remove it and try again.`, "invalid_text");
}

/**
 * The JSON body of a request, at most MAX_JSON_BYTES, checked for text PostgreSQL cannot store.
 * `optional`: an empty body gives undefined instead of a 400.
 */
export async function readJsonBody(request: Request, { optional = false } = {}): Promise<unknown> {
  const bytes = await readBodyBounded(
    request,
    MAX_JSON_BYTES,
    `The request body is larger than ${MAX_JSON_BYTES / 1024 / 1024} MB. Send less text (at most 10 job offers of 50,000 characters).`,
  );
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === "") {
    if (optional) return undefined;
    throw badRequest("The request body is empty; send a JSON object.", "invalid_json");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest("The request body is not valid JSON.", "invalid_json");
  }
  const unsafe = findUnsafeText(value);
  if (unsafe !== null) throw unsafeTextError(unsafe);
  return value;
}
