/**
 * What the event bus keeps current in memory (each user's clock, the sessions), on a bus the test drives:
 * answered from memory only while the bus vouches for it, read again from the database when the cache is
 * cold, when the bus is down, after a resync, and after the trust period.
 */
import { describe, expect, it } from "vitest";
import { SessionCache, sessionCookiesOf } from "@/server/auth/session-cache";
import { InProcessEventBus } from "@/server/tasks/events";
import { UserClocks } from "@/server/tasks/user-clocks";

/** An in-process bus whose connection the test cuts and restores (as the PostgreSQL bus's LISTEN). */
class TestBus extends InProcessEventBus {
  connected = true;
  private readonly resyncs = new Set<() => void>();
  onResync(listener: () => void) {
    this.resyncs.add(listener);
    return () => void this.resyncs.delete(listener);
  }
  reconnect() {
    this.connected = true;
    for (const l of this.resyncs) l();
  }
}

const change = (bus: TestBus, userId: string, version: number) => bus.publishChange({ userId, taskId: "t", version, kind: "upsert" });

describe("UserClocks", () => {
  it("knows nothing until the database was read, then follows the bus's changes", () => {
    const bus = new TestBus();
    const clocks = new UserClocks(bus);
    expect(clocks.current("u")).toBeNull();
    change(bus, "u", 3); // not known yet: ignored, the read below tells
    const confirm = clocks.begin("u");
    confirm(3);
    expect(clocks.current("u")).toBe(3);
    change(bus, "u", 4);
    expect(clocks.current("u")).toBe(4);
    change(bus, "u", 2); // late and older: versions only grow
    expect(clocks.current("u")).toBe(4);
    expect(clocks.current("other")).toBeNull();
  });

  it("keeps a change committed while the database read was running", () => {
    const bus = new TestBus();
    const clocks = new UserClocks(bus);
    const confirm = clocks.begin("u");
    change(bus, "u", 8); // committed after the read's snapshot
    confirm(7);
    expect(clocks.current("u")).toBe(8);
  });

  it("answers nothing from memory while the bus is down, and forgets everything when it reconnects", () => {
    const bus = new TestBus();
    const clocks = new UserClocks(bus);
    clocks.begin("u")(5);
    bus.connected = false;
    expect(clocks.current("u")).toBeNull();
    // A read while the bus is down is not kept either: changes may be missed meanwhile.
    clocks.begin("u")(6);
    // The missed change (7) is only in the database now.
    bus.reconnect();
    expect(clocks.current("u")).toBeNull();
    clocks.begin("u")(7);
    expect(clocks.current("u")).toBe(7);
  });

  it("does not keep a read that a resync overtook", () => {
    const bus = new TestBus();
    const clocks = new UserClocks(bus);
    const confirm = clocks.begin("u");
    bus.reconnect();
    confirm(5);
    expect(clocks.current("u")).toBeNull();
  });

  it("reads the database again once the trust period has passed", () => {
    const bus = new TestBus();
    let now = 1_000_000;
    const clocks = new UserClocks(bus, () => now, 10_000);
    clocks.begin("u")(5);
    now += 9_000;
    expect(clocks.current("u")).toBe(5);
    now += 2_000;
    expect(clocks.current("u")).toBeNull();
  });

  it("is bounded: past the limit, the longest known are forgotten", () => {
    const bus = new TestBus();
    const clocks = new UserClocks(bus, Date.now, 30_000, 3);
    for (const u of ["a", "b", "c", "d"]) clocks.begin(u)(1);
    expect(clocks.size).toBe(3);
    expect(clocks.current("a")).toBeNull();
    expect(clocks.current("d")).toBe(1);
  });
});

/** A better-auth stand-in: the sessions "in the database", and how often it was asked. */
function fakeAuth() {
  const sessions = new Map<string, { id: string; userId: string; expiresAt: Date }>();
  let calls = 0;
  let gate: Promise<void> | null = null;
  const auth = {
    api: {
      getSession: async ({ headers }: { headers: Headers }) => {
        calls++;
        const token = /session_token=([^;]+)/.exec(headers.get("cookie") ?? "")?.[1];
        const read = token ? sessions.get(token) : undefined;
        if (gate) await gate;
        return read ? { session: read, user: { id: read.userId } } : null;
      },
    },
  };
  return {
    auth: auth as never,
    sessions,
    calls: () => calls,
    /** Holds every lookup after its read until `release` is called. */
    hold() {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
  };
}

describe("SessionCache", () => {
  const cookie = (token: string) => `theme=dark; better-auth.session_token=${token}`;
  const lookup = (cache: SessionCache, token: string) => cache.get(cookie(token), "app.test", null, () => new Headers({ cookie: cookie(token) }));

  it("asks better-auth once per session, then answers from memory", async () => {
    const f = fakeAuth();
    f.sessions.set("tok1", { id: "s1", userId: "u", expiresAt: new Date(Date.now() + 3_600_000) });
    const cache = new SessionCache(f.auth, new TestBus());
    expect((await lookup(cache, "tok1"))?.session.id).toBe("s1");
    expect((await lookup(cache, "tok1"))?.session.id).toBe("s1");
    expect(f.calls()).toBe(1);
    // A cookie that is no session is never kept: every try is checked.
    expect(await lookup(cache, "forged")).toBeNull();
    expect(await lookup(cache, "forged")).toBeNull();
    expect(f.calls()).toBe(3);
    expect(await cache.get("theme=dark", "app.test", null, () => new Headers())).toBeNull();
    expect(f.calls()).toBe(3);
  });

  it("reads a session once for requests that arrive together, but not for one that arrives after a sign-out", async () => {
    const f = fakeAuth();
    f.sessions.set("tok1", { id: "s1", userId: "u", expiresAt: new Date(Date.now() + 3_600_000) });
    const bus = new TestBus();
    const cache = new SessionCache(f.auth, bus);
    const release = f.hold();
    const together = Promise.all(Array.from({ length: 5 }, () => lookup(cache, "tok1")));
    f.sessions.delete("tok1");
    bus.publishSessionEnded({ userId: "u", sessionId: "s1" });
    const after = lookup(cache, "tok1"); // after the sign-out: its own read
    release();
    expect((await together).map((s) => s?.session.id)).toEqual(["s1", "s1", "s1", "s1", "s1"]);
    expect(await after).toBeNull();
    expect(f.calls()).toBe(2);
  });

  it("drops a user's sessions when the bus says one ended, on every cache that listens", async () => {
    const f = fakeAuth();
    f.sessions.set("tok1", { id: "s1", userId: "u", expiresAt: new Date(Date.now() + 3_600_000) });
    const bus = new TestBus();
    const here = new SessionCache(f.auth, bus);
    const there = new SessionCache(f.auth, bus);
    await lookup(here, "tok1");
    await lookup(there, "tok1");
    f.sessions.delete("tok1"); // signed out
    bus.publishSessionEnded({ userId: "u", sessionId: "s1" });
    expect(await lookup(here, "tok1")).toBeNull();
    expect(await lookup(there, "tok1")).toBeNull();
  });

  it("does not keep a lookup that a sign-out overtook", async () => {
    const f = fakeAuth();
    f.sessions.set("tok1", { id: "s1", userId: "u", expiresAt: new Date(Date.now() + 3_600_000) });
    const bus = new TestBus();
    const cache = new SessionCache(f.auth, bus);
    const release = f.hold();
    const pending = lookup(cache, "tok1"); // read the row just before the delete
    f.sessions.delete("tok1");
    bus.publishSessionEnded({ userId: "u", sessionId: "s1" });
    release();
    expect((await pending)?.session.id).toBe("s1"); // this request was in flight before the sign-out
    expect(await lookup(cache, "tok1")).toBeNull();
  });

  it("reads the database while the bus is down, and forgets everything when it reconnects", async () => {
    const f = fakeAuth();
    f.sessions.set("tok1", { id: "s1", userId: "u", expiresAt: new Date(Date.now() + 3_600_000) });
    const bus = new TestBus();
    const cache = new SessionCache(f.auth, bus);
    await lookup(cache, "tok1");
    bus.connected = false;
    f.sessions.delete("tok1"); // its end was announced while the bus was down: missed
    expect(await lookup(cache, "tok1")).toBeNull();
    f.sessions.set("tok2", { id: "s2", userId: "v", expiresAt: new Date(Date.now() + 3_600_000) });
    await lookup(cache, "tok2");
    expect(cache.size).toBe(1); // nothing new kept while down (tok1's entry stays unused until the resync)
    bus.reconnect();
    expect(cache.size).toBe(0);
    await lookup(cache, "tok2");
    expect(f.calls()).toBe(4);
  });

  it("stops answering at the session's expiry, and after the trust period asks again", async () => {
    const f = fakeAuth();
    let now = 1_000_000;
    f.sessions.set("tok1", { id: "s1", userId: "u", expiresAt: new Date(now + 5_000) });
    const cache = new SessionCache(f.auth, new TestBus(), () => now, 60_000);
    await lookup(cache, "tok1");
    now += 6_000;
    f.sessions.delete("tok1"); // better-auth would find it expired
    expect(await lookup(cache, "tok1")).toBeNull();

    f.sessions.set("tok2", { id: "s2", userId: "u", expiresAt: new Date(now + 3_600_000) });
    await lookup(cache, "tok2");
    await lookup(cache, "tok2");
    expect(f.calls()).toBe(3);
    now += 61_000;
    await lookup(cache, "tok2");
    expect(f.calls()).toBe(4);
  });

  it("keys on the exact session cookies, whatever else the Cookie header holds", () => {
    expect(sessionCookiesOf("a=1; better-auth.session_token=abc.sig; b=2")).toBe("better-auth.session_token=abc.sig");
    expect(sessionCookiesOf("__Secure-better-auth.session_token=x")).toBe("__Secure-better-auth.session_token=x");
    expect(sessionCookiesOf("a=1")).toBeNull();
    expect(sessionCookiesOf(undefined)).toBeNull();
  });
});
