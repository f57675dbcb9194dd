import { busConnected, type SessionEndedEvent, type TaskEventBus } from "../tasks/events";
import type { Auth, SessionUser } from "./auth";

/** How long a session read from the database is trusted without being read again. */
export const SESSION_TRUST_MS = 30_000;
/** Sessions kept; past that, the longest known are forgotten first (and read again when used). */
export const MAX_SESSIONS = 100_000;

export interface SessionInfo {
  user: SessionUser;
  session: { id: string; userId: string; expiresAt: Date };
}

interface Entry extends SessionInfo {
  key: string;
  expiresAtMs: number;
  confirmedAt: number;
}

/** The session cookies of a Cookie header (better-auth's `…session_token`, secure prefix or not), or null. */
export function sessionCookiesOf(cookie: string | null | undefined): string | null {
  if (!cookie) return null;
  let found: string | null = null;
  for (const m of cookie.matchAll(/(?:^|;)\s*((?:__Secure-|__Host-)?[\w.-]*session_token)=([^;]*)/g)) {
    found = found === null ? `${m[1]}=${m[2]}` : `${found};${m[1]}=${m[2]}`;
  }
  return found;
}

/**
 * Who a request's session cookie belongs to, without a database round trip per request: better-auth
 * answers the first request of a session (it checks the cookie's signature and reads the session), and
 * the answer is kept in memory, keyed by the exact cookie (and the Host and protocol it came with, which
 * better-auth's cookie names depend on).
 *
 * A kept session stops working:
 * - **everywhere within moments of its end:** better-auth's session and user delete hooks (sign-out,
 *   revocation, password change revoking others, account deletion) publish a SessionEndedEvent on the
 *   event bus; every process drops the user's kept sessions when it arrives (through NOTIFY on PostgreSQL);
 * - at its `expiresAt`, checked here on every request;
 * - after SESSION_TRUST_MS at most, when it is read again (a session ended behind the app's back);
 * - while the bus is not connected (nothing is trusted then: every request reads the database), and when it
 *   reconnects (everything is forgotten: an end may have been missed).
 * A lookup that was running when one of the user's sessions ended is not kept (it may have read the row
 * just before the delete). A cookie that is not a session is never kept: every try reaches better-auth.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly inflight = new Map<string, { epoch: number; lookup: Promise<SessionInfo | null> }>();
  /** Bumped by every end and resync: a lookup started before one is not kept. */
  private epoch = 0;
  readonly stats = { hits: 0, misses: 0 };

  constructor(
    private readonly auth: Pick<Auth, "api">,
    private readonly bus: TaskEventBus,
    private readonly now: () => number = Date.now,
    private readonly trustMs = SESSION_TRUST_MS,
    private readonly maxEntries = MAX_SESSIONS,
  ) {
    bus.onSessionEnded((e) => this.ended(e));
    bus.onResync?.(() => this.clear());
  }

  /**
   * The session of a request, or null (no cookie, a forged, signed-out or expired one). `headers` builds
   * the request's headers for better-auth, only when the database must be asked.
   */
  async get(cookie: string | null | undefined, host: string | null | undefined, proto: string | null | undefined, headers: () => Headers): Promise<SessionInfo | null> {
    const cookies = sessionCookiesOf(cookie);
    if (cookies === null) return null;
    const key = `${host ?? ""}|${proto ?? ""}|${cookies}`;
    const now = this.now();
    const kept = this.entries.get(key);
    if (kept && busConnected(this.bus)) {
      if (now < kept.expiresAtMs && now - kept.confirmedAt <= this.trustMs) {
        this.stats.hits++;
        return kept;
      }
      this.forget(kept);
    }
    this.stats.misses++;
    // One database read per session however many of its requests arrive together (a device's burst, the
    // tabs of a browser): they share it, unless a session ended since it started.
    const flying = this.inflight.get(key);
    if (flying && flying.epoch === this.epoch) return flying.lookup;
    const epoch = this.epoch;
    const lookup = this.lookup(key, headers, now, epoch).finally(() => {
      if (this.inflight.get(key)?.lookup === lookup) this.inflight.delete(key);
    });
    this.inflight.set(key, { epoch, lookup });
    return lookup;
  }

  private async lookup(key: string, headers: () => Headers, now: number, epoch: number): Promise<SessionInfo | null> {
    const connected = busConnected(this.bus);
    const found = await this.auth.api.getSession({ headers: headers() });
    if (!found) return null;
    const info: SessionInfo = {
      user: found.user,
      session: { id: found.session.id, userId: found.session.userId, expiresAt: new Date(found.session.expiresAt) },
    };
    if (connected && epoch === this.epoch && busConnected(this.bus)) this.keep(key, info, now);
    return info;
  }

  private keep(key: string, info: SessionInfo, now: number) {
    const entry: Entry = { ...info, key, expiresAtMs: info.session.expiresAt.getTime(), confirmedAt: now };
    const old = this.entries.get(key);
    if (old) this.forget(old);
    this.entries.set(key, entry);
    let keys = this.byUser.get(info.user.id);
    if (!keys) this.byUser.set(info.user.id, (keys = new Set()));
    keys.add(key);
    if (this.entries.size > this.maxEntries) this.forget(this.entries.values().next().value!);
  }

  private forget(entry: Entry) {
    if (this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    const keys = this.byUser.get(entry.user.id);
    keys?.delete(entry.key);
    if (keys?.size === 0) this.byUser.delete(entry.user.id);
  }

  /** One or all of a user's sessions ended: every kept session of the user goes (they are read again). */
  private ended({ userId }: SessionEndedEvent) {
    this.epoch++;
    for (const key of this.byUser.get(userId) ?? []) this.entries.delete(key);
    this.byUser.delete(userId);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
    this.byUser.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
