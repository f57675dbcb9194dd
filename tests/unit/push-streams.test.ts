/** PushStreams on its own (no server): the bounds' bookkeeping, fast. The HTTP suites prove them end to end. */
import { describe, expect, it } from "vitest";
import { PushStreams, type PushStreamLimits } from "@/server/tasks/event-stream";
import type { TaskFeed, TaskFeedItem } from "@/server/tasks/feed";
import type { TaskChangeEvent } from "@/server/tasks/events";

const encoder = new TextEncoder();

/** A feed that the test drives by hand. */
function fakeFeed() {
  const listeners = new Map<string, Set<(item: TaskFeedItem) => void>>();
  return {
    feed: {
      subscribe(userId: string, listener: (item: TaskFeedItem) => void) {
        const set = listeners.get(userId) ?? new Set();
        set.add(listener);
        listeners.set(userId, set);
        return () => void set.delete(listener);
      },
    } as unknown as TaskFeed,
    emit(userId: string, version: number, bytes = 100) {
      const event: TaskChangeEvent = { userId, taskId: "t", version, kind: "upsert" };
      for (const l of listeners.get(userId) ?? []) l({ event, frame: encoder.encode(`id: ${version}\ndata: ${"x".repeat(bytes)}\n\n`) });
    },
    subscribers: (userId: string) => listeners.get(userId)?.size ?? 0,
  };
}

const limits = (over: Partial<PushStreamLimits> = {}): PushStreamLimits => ({
  maxStreams: 100,
  maxStreamsPerUser: 6,
  maxBufferBytes: 4096,
  lifetimeMs: 60_000,
  heartbeatMs: 15_000,
  sessionCheckMs: 60_000,
  ...over,
});

function setup(over: Partial<PushStreamLimits> = {}, liveSessions = async (ids: string[]) => new Set(ids)) {
  const f = fakeFeed();
  const store = { changesSince: async () => ({ cursor: "0", full: false, tasks: [], deleted: [] }) };
  const push = new PushStreams({ feed: f.feed, store, limits: limits(over), liveSessions });
  const open = (userId: string, sessionId = `s-${userId}`) =>
    push.open({ userId, sessionId, sessionExpiresAt: Date.now() + 3_600_000, since: null, signal: new AbortController().signal })!;
  return { ...f, push, open };
}

/** Reads a stream to its end; resolves with its text, or with "error" if it was errored. */
async function drain(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += new TextDecoder().decode(value);
    }
  } catch {
    return `${text}<error>`;
  }
}

describe("PushStreams", () => {
  it("closes the user's oldest stream when one more opens, and only that one", async () => {
    const { push, open } = setup({ maxStreamsPerUser: 2 });
    const a = drain(open("u")); // a client that reads
    await new Promise((r) => setTimeout(r, 10));
    open("u");
    open("other");
    open("u");
    expect(push.size).toBe(3);
    expect(await a).toContain('event: closed\ndata: {"reason":"replaced"}');
    expect(push.closed.replaced).toBe(1);
  });

  it("refuses a stream over the process cap", () => {
    const { push, open } = setup({ maxStreams: 2 });
    open("a");
    open("b");
    expect(open("c")).toBeNull();
    expect(push.refused).toBe(1);
  });

  it("drops a stream whose unread frames pass the bound, and unsubscribes it", async () => {
    const f = setup({ maxBufferBytes: 4096 });
    const { push, open } = f;
    const stream = open("u");
    for (let v = 1; v <= 100; v++) f.emit("u", v, 200); // nobody reads
    expect(push.closed.slow).toBe(1);
    expect(f.subscribers("u")).toBe(0);
    expect(await drain(stream)).toMatch(/<error>$/);
  });

  it("ends the streams of a session that is no longer live at the next check", async () => {
    let live = new Set(["s-a", "s-b"]);
    const { push, open } = setup({ sessionCheckMs: 100, heartbeatMs: 100 }, async (ids) => new Set(ids.filter((id) => live.has(id))));
    const a = open("a");
    open("b");
    live = new Set(["s-b"]);
    expect(await drain(a)).toMatch(/<error>$/);
    expect(push.closed["signed-out"]).toBe(1);
    expect(push.size).toBe(1);
    push.stop();
  });

  it("ends a stream at its lifetime with a closing frame", async () => {
    const { push, open } = setup({ lifetimeMs: 150, heartbeatMs: 100, sessionCheckMs: 100 });
    const t0 = Date.now();
    const text = await drain(open("u"));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(text).toMatch(/^retry: \d+\n: connected\n\n/);
    expect(text).toContain('data: {"reason":"lifetime"}');
    expect(push.size).toBe(0);
  });
});
