/**
 * The two endpoints every device calls all the time, answered by the app's server before Next.js: the
 * delta poll (GET /api/background-tasks/sync, every 3 s per device) and the push stream (GET
 * /api/background-tasks/events, one per browser). Next.js's request pipeline costs more than the work itself
 * for these (an idle poll is answered from memory), so they are served here from the Node.js request, with
 * the very checks, limits, headers and error bodies of the Next.js routes (which stay, for `next dev`):
 * Host check (400), session (401), query validation (400), the security headers of next.config.ts, and the
 * push bounds of PushStreams. Every other request, and every other method on these paths, goes to Next.js.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import type { App } from "../app";
import type { SessionInfo } from "../auth/session-cache";
import { unauthorized } from "../errors";
import type { PushSink } from "../tasks/event-stream";
import { readSync } from "../tasks/service";
import { cursorSchema, syncGetQuerySchema, type TaskSyncResponse } from "../../shared/tasks";
import { checkHost } from "./guard";
import { errorPayload, parseWith } from "./respond";
import { API_CONTENT_SECURITY_POLICY, HSTS_HEADER, STATIC_SECURITY_HEADERS } from "./security-headers";
import { originPolicy } from "./with-user";

export const SYNC_PATH = "/api/background-tasks/sync";
export const EVENTS_PATH = "/api/background-tasks/events";

/** Bodies smaller than this go out as they are: compressing them saves less than it costs. */
const COMPRESS_MIN_BYTES = 1024;
/** Full lists kept, encoded, per user at their version (see ListCache); bytes over every user. */
const LIST_CACHE_BYTES = 32 * 1024 * 1024;

/** What next.config.ts's headers() adds to every /api answer. */
const API_HEADERS: Record<string, string> = {
  ...Object.fromEntries(STATIC_SECURITY_HEADERS.map((h) => [h.key, h.value])),
  "Content-Security-Policy": API_CONTENT_SECURITY_POLICY,
};

function baseHeaders(req: IncomingMessage): Record<string, string> {
  return req.headers["x-forwarded-proto"] === "https" ? { ...API_HEADERS, [HSTS_HEADER.key]: HSTS_HEADER.value } : API_HEADERS;
}

/** A Headers view of a Node.js request, for the checks written against Web headers. */
const headerReader = (req: IncomingMessage): Pick<Headers, "get"> => ({
  get: (name) => {
    const v = req.headers[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  },
});

function toWebHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

type Encoding = "br" | "gzip" | null;

/** The best encoding the client accepts (brotli, then gzip), as Next.js's own compression would pick. */
function acceptedEncoding(req: IncomingMessage): Encoding {
  const accept = req.headers["accept-encoding"];
  if (typeof accept !== "string") return null;
  const offered = new Map<string, number>();
  for (const part of accept.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    offered.set(name!, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (offered.get(name) ?? offered.get("*") ?? 0) > 0;
  return ok("br") ? "br" : ok("gzip") ? "gzip" : null;
}

function encode(body: Buffer, encoding: Exclude<Encoding, null>): Buffer {
  // Brotli at a low quality: nearly gzip's speed, smaller output (quality 11, the default, is far too slow).
  return encoding === "br" ? brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 4, [zlib.BROTLI_PARAM_SIZE_HINT]: body.byteLength } }) : gzipSync(body, { level: 6 });
}

/** An encoded answer, kept with its compressed forms as they are asked for. */
class Body {
  private readonly encoded = new Map<string, Buffer>();
  constructor(readonly raw: Buffer) {}

  as(encoding: Encoding): Buffer {
    if (encoding === null || this.raw.byteLength < COMPRESS_MIN_BYTES) return this.raw;
    let out = this.encoded.get(encoding);
    if (!out) this.encoded.set(encoding, (out = encode(this.raw, encoding)));
    return out;
  }

  get bytes(): number {
    let n = this.raw.byteLength;
    for (const b of this.encoded.values()) n += b.byteLength;
    return n;
  }
}

/**
 * Each user's full list, encoded, at the version it was read at. A user's list can only change with their
 * clock (every change to a task takes the next version), so while the in-memory clock (UserClocks, which
 * vouches for it only while the bus is connected) still says that version, the same bytes are the answer:
 * a device that reloads, or several devices of one account, cost one read. Bounded in bytes; the oldest
 * lists go first.
 */
class ListCache {
  private readonly lists = new Map<string, { version: number; body: Body }>();
  private bytes = 0;

  get(userId: string, version: number | null): Body | null {
    const kept = this.lists.get(userId);
    return kept && version !== null && kept.version === version ? kept.body : null;
  }

  set(userId: string, version: number, body: Body) {
    this.delete(userId);
    this.lists.set(userId, { version, body });
    this.bytes += body.bytes;
    for (const [id] of this.lists) {
      if (this.bytes <= LIST_CACHE_BYTES) break;
      this.delete(id);
    }
  }

  /** After the encoded forms of a kept body grew. */
  grew(before: number, after: number) {
    this.bytes += after - before;
  }

  private delete(userId: string) {
    const kept = this.lists.get(userId);
    if (!kept) return;
    this.bytes -= kept.body.bytes;
    this.lists.delete(userId);
  }
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: Body, extra: Record<string, string> = {}) {
  const encoding = acceptedEncoding(req);
  const out = body.as(encoding);
  const headers: Record<string, string | number> = {
    ...baseHeaders(req),
    "Content-Type": "application/json",
    "Cache-Control": "no-store",
    "Content-Length": out.byteLength,
    ...extra,
  };
  headers.Vary = "Accept-Encoding";
  if (out !== body.raw) headers["Content-Encoding"] = encoding!;
  res.writeHead(status, headers);
  res.end(out);
}

const json = (value: unknown) => new Body(Buffer.from(JSON.stringify(value)));

function sendError(req: IncomingMessage, res: ServerResponse, err: unknown) {
  const { status, body, retryAfterSeconds } = errorPayload(err);
  if (res.headersSent) return void res.destroy();
  send(req, res, status, json(body), retryAfterSeconds !== undefined ? { "Retry-After": String(retryAfterSeconds) } : {});
}

function queryOf(url: string): Record<string, string> {
  const at = url.indexOf("?");
  return at < 0 ? {} : Object.fromEntries(new URLSearchParams(url.slice(at + 1)));
}

/** The Host check and the session: what withUser does before a route runs (a GET is never a mutation). */
async function authenticate(app: App, req: IncomingMessage): Promise<SessionInfo> {
  checkHost(headerReader(req), originPolicy(app));
  const proto = req.headers["x-forwarded-proto"];
  const session = await app.sessions.get(req.headers.cookie, req.headers.host, Array.isArray(proto) ? proto.join(", ") : proto, () => toWebHeaders(req));
  if (!session) throw unauthorized();
  return session;
}

/**
 * A push stream written straight to the Node.js response: the same frame bytes go to every socket, with
 * no stream piping per connection. The head goes out with the first bytes.
 */
const CLOSE_GRACE_MS = 5000;

function responseSink(req: IncomingMessage, res: ServerResponse): PushSink {
  let headed = false;
  const head = () => {
    if (headed) return;
    headed = true;
    res.writeHead(200, {
      ...baseHeaders(req),
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      // The connection ends with its stream (server.ts), so it must not be offered for reuse: a client that
      // took "keep-alive" at its word sent its next request into a socket the server was closing.
      Connection: "close",
      "X-Accel-Buffering": "no",
    });
  };
  return {
    write: (bytes) => {
      head();
      res.write(bytes);
    },
    // Bytes Node.js holds for the socket (the kernel's own buffer comes on top, as with any stream).
    buffered: () => res.writableLength,
    close: (last) => {
      head();
      if (last) res.end(last);
      else res.end();
      // A client that reads nothing would hold the socket until its backlog drains: not for long.
      if (!res.writableFinished) setTimeout(() => res.destroy(), CLOSE_GRACE_MS).unref();
    },
    destroy: () => res.destroy(),
  };
}

export interface HotPath {
  /** Answers the request if it is one of the hot endpoints (true), else leaves it alone (false). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export function createHotPath(getApp: () => Promise<App>): HotPath {
  const lists = new ListCache();

  async function sync(req: IncomingMessage, res: ServerResponse) {
    try {
      const app = await getApp();
      const { user } = await authenticate(app, req);
      const query = parseWith(syncGetQuerySchema, queryOf(req.url!));
      if (query.since === undefined && !query.taskId) {
        const kept = lists.get(user.id, app.store.knownVersion(user.id));
        if (kept) {
          const before = kept.bytes;
          send(req, res, 200, kept);
          return lists.grew(before, kept.bytes);
        }
        const list = (await readSync(app.store, user.id, query)) as TaskSyncResponse;
        const body = json(list);
        send(req, res, 200, body);
        // Kept only if memory vouches that this is still the user's current version.
        if (app.store.knownVersion(user.id) === Number(list.cursor)) lists.set(user.id, Number(list.cursor), body);
        return;
      }
      send(req, res, 200, json(await readSync(app.store, user.id, query)));
    } catch (err) {
      sendError(req, res, err);
    }
  }

  async function events(req: IncomingMessage, res: ServerResponse) {
    try {
      const app = await getApp();
      const { session } = await authenticate(app, req);
      const lastEventId = req.headers["last-event-id"];
      const resumeFrom = (typeof lastEventId === "string" ? lastEventId : undefined) ?? queryOf(req.url!).since ?? null;
      const since = resumeFrom === null || resumeFrom === "" ? null : Number(parseWith(cursorSchema, resumeFrom));
      if (res.destroyed) return; // gone while its session was read
      const clientGone = app.push.attach({ userId: session.userId, sessionId: session.id, sessionExpiresAt: session.expiresAt.getTime(), since }, responseSink(req, res));
      if (!clientGone) {
        const refused = { error: { code: "too_many_streams", message: "The server has too many live connections right now. The app keeps syncing and reconnects by itself." } };
        return send(req, res, 503, json(refused), { "Retry-After": String(app.push.retryAfterSeconds()) });
      }
      res.once("close", clientGone);
    } catch (err) {
      sendError(req, res, err);
    }
  }

  return {
    handle(req, res) {
      if (req.method !== "GET" || !req.url) return false;
      const q = req.url.indexOf("?");
      const path = q < 0 ? req.url : req.url.slice(0, q);
      if (path === SYNC_PATH) void sync(req, res);
      else if (path === EVENTS_PATH) void events(req, res);
      else return false;
      return true;
    },
  };
}
