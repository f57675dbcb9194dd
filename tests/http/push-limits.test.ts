/**
 * The bounds of the push channel, on a production build started with small limits: the per-user cap
 * (the oldest stream goes), the process cap (503 + Retry-After), a client that stops reading (dropped,
 * memory flat, nothing lost on resume), and sign-out (the session's streams end within seconds).
 */
import fs from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiErrorBody, TaskResponse, TaskSyncResponse } from "@/shared/tasks";
import { ApiClient } from "../../scripts/lib/api-client";
import { startAppServer, type AppServer } from "../../scripts/lib/app-server";
import { openEvents, parseFrames, until, type EventStream } from "../helpers/sse";

const SYNC = "/api/background-tasks/sync";
const EVENTS = "/api/background-tasks/events";
const PER_USER = 3;
const MAX_STREAMS = 8;
const BUFFER = 64 * 1024;

let server: AppServer;
const opened: EventStream[] = [];

beforeAll(async () => {
  server = await startAppServer({
    ALLOW_DIAGNOSTIC_TASKS: "true",
    PUSH_MAX_STREAMS_PER_USER: String(PER_USER),
    PUSH_MAX_STREAMS: String(MAX_STREAMS),
    PUSH_MAX_BUFFER_BYTES: String(BUFFER),
    PUSH_SESSION_CHECK_MS: "1000",
    // Many changes fast, for the stalled client: every progress step is written and pushed.
    TASK_PROGRESS_INTERVAL_MS: "0",
    TASK_CONCURRENCY: "4",
    TASK_PER_USER_CONCURRENCY: "4",
  });
});

afterAll(async () => {
  for (const s of opened) s.close();
  await server?.stop();
});

async function open(client: ApiClient, headers: Record<string, string> = {}): Promise<EventStream> {
  const stream = await openEvents(`${server.url}${EVENTS}`, client.cookieHeader, headers);
  opened.push(stream);
  if (stream.res.ok) await until(() => stream.frames.some((f) => f.comment === "connected"), 15_000, "connected");
  return stream;
}

const closeAll = async (streams: EventStream[]) => {
  for (const s of streams) s.close();
  await Promise.all(streams.map((s) => s.ended));
};

/** RSS of the server and its child processes, in MB. */
function serverRssMb(): number {
  const pids = [server.process.pid!];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(fs.readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
      if (pids.includes(ppid)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

describe("push limits", () => {
  it(`keeps at most ${PER_USER} streams per user: opening one more closes that user's oldest`, async () => {
    const alice = await ApiClient.signUp(server.url);
    const bob = await ApiClient.signUp(server.url);
    const first = await open(alice);
    const second = await open(alice);
    const third = await open(alice);
    const bobs = await open(bob);
    const fourth = await open(alice);

    await first.ended;
    expect(first.frames.at(-1)).toMatchObject({ event: "closed", data: '{"reason":"replaced"}' });
    // Told to come back late, so that a surplus device does not evict another one in turn.
    expect(Number(first.frames.at(-1)!.retry)).toBeGreaterThanOrEqual(10_000);

    // The three newest, and the other user's, still receive.
    const { body } = await alice.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 30_000 } });
    const has = (s: EventStream) => s.frames.some((f) => f.event === "task" && f.data?.includes(body.task.id));
    await until(() => [second, third, fourth].every(has), 10_000, "the newest streams receive the change");
    expect([second, third, fourth, bobs].every((s) => !s.isEnded())).toBe(true);
    expect(has(first)).toBe(false);
    await alice.delete(`${SYNC}?taskId=${body.task.id}&action=cancel`);
    await closeAll([second, third, fourth, bobs]);
  });

  it(`refuses streams over the process cap (${MAX_STREAMS}) with 503 and Retry-After, and accepts again once one closes`, async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => ApiClient.signUp(server.url)));
    const streams: EventStream[] = [];
    let refused: EventStream | null = null;
    // Round-robin over users so that no per-user cap is reached: only the process cap can refuse.
    for (let i = 0; i < MAX_STREAMS + 4 && !refused; i++) {
      const stream = await open(users[i % users.length]!);
      if (stream.res.status === 503) refused = stream;
      else streams.push(stream);
    }
    expect(refused, "no stream was refused").not.toBeNull();
    expect(streams.length).toBeLessThanOrEqual(MAX_STREAMS);
    expect(Number(refused!.res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = (await refused!.res.json()) as ApiErrorBody;
    expect(body.error.code).toBe("too_many_streams");
    expect(streams.every((s) => !s.isEnded())).toBe(true);

    // The API itself still answers while the streams are full.
    expect((await users[0]!.get(SYNC)).status).toBe(200);

    await closeAll(streams.splice(0, 1));
    let again: EventStream | null = null;
    await until(
      async () => {
        again = await openEvents(`${server.url}${EVENTS}`, users[0]!.cookieHeader);
        opened.push(again);
        return again.res.status === 200;
      },
      10_000,
      "a freed slot is taken",
    );
    await closeAll([...streams, again!]);
  });

  it("ends the streams of a session within seconds of its sign-out; the user's other sessions keep theirs", async () => {
    const email = `push-${Date.now()}@example.test`;
    const phone = await ApiClient.signUp(server.url, email);
    const laptop = new ApiClient(server.url);
    expect((await laptop.post("/api/auth/sign-in/email", { email, password: "correct horse battery" })).status).toBe(200);
    const phoneStream = await open(phone);
    const laptopStream = await open(laptop);

    expect((await phone.post("/api/auth/sign-out", {})).status).toBe(200);
    const signedOutAt = Date.now();
    await Promise.race([phoneStream.ended, new Promise((r) => setTimeout(r, 8000))]);
    expect(phoneStream.isEnded(), "the signed-out session's stream is still open after 8 s").toBe(true);
    expect(Date.now() - signedOutAt).toBeLessThan(8000);

    // Nothing more reaches the signed-out device; the laptop still gets every change.
    const { body } = await laptop.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 30_000 } });
    await until(() => laptopStream.frames.some((f) => f.data?.includes(body.task.id)), 10_000, "the laptop receives");
    expect(phoneStream.frames.some((f) => f.data?.includes(body.task.id))).toBe(false);
    expect((await openEvents(`${server.url}${EVENTS}`, phone.cookieHeader)).res.status).toBe(401);
    await laptop.delete(`${SYNC}?taskId=${body.task.id}&action=cancel`);
    await closeAll([laptopStream]);
  });

  it("drops a client that stops reading once its unsent frames pass the bound; memory stays flat and it resumes without loss", async () => {
    const user = await ApiClient.signUp(server.url);
    // A well-behaved device, the reference for what was sent.
    const reader = await open(user);
    await until(() => reader.frames.length > 0, 5000);

    // Changes as fast as the server makes them: tasks that report 100 progress steps each, with long
    // titles (about 1 KB per frame), until the reference device has received `target` bytes in all.
    const title = "進".repeat(200);
    let peakRss = 0;
    const produce = async (target: number) => {
      const deadline = Date.now() + 150_000;
      while (reader.bytes() < target) {
        if (Date.now() > deadline) throw new Error(`produced only ${reader.bytes()} bytes in time`);
        const active = (await user.get<TaskSyncResponse>(SYNC)).body.tasks.filter((t) => t.status === "queued" || t.status === "running").length;
        for (let i = active; i < 8; i++) await user.post(SYNC, { type: "noop", title, payload: { durationMs: 400, steps: 100 } });
        peakRss = Math.max(peakRss, serverRssMb());
        await new Promise((r) => setTimeout(r, 100));
      }
      await until(async () => (await user.get<TaskSyncResponse>(SYNC)).body.tasks.every((t) => t.status !== "queued" && t.status !== "running"), 60_000, "tasks done");
      peakRss = Math.max(peakRss, serverRssMb());
    };
    // Warm up first (the embedded database grows to its working size), then measure from there.
    await produce(3 * 1024 * 1024);
    const rssBefore = serverRssMb();
    peakRss = rssBefore;
    const producedBefore = reader.bytes();

    // The stalled device: a raw socket that sends its request, then never reads.
    const socket = net.connect(server.port, "127.0.0.1");
    await new Promise<void>((r) => socket.once("connect", () => r()));
    socket.pause();
    socket.write(`GET ${EVENTS} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nCookie: ${user.cookieHeader}\r\nAccept: text/event-stream\r\n\r\n`);
    const chunks: Buffer[] = [];
    let socketClosed = false;
    socket.on("close", () => (socketClosed = true));
    socket.on("error", () => {});

    // Far more than the kernel's socket buffers (a few MB on loopback) plus the bound could hold.
    await produce(producedBefore + 12 * 1024 * 1024);

    // Now read what the stalled socket was sent: a bounded part, then the end of the connection.
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.resume();
    await until(() => socketClosed, 20_000, "the server closed the stalled connection");
    const received = Buffer.concat(chunks);
    const body = dechunk(received.subarray(received.indexOf("\r\n\r\n") + 4));
    const frames = parseFrames(body).frames;
    const lastId = frames.filter((f) => f.id !== undefined).at(-1)?.id;
    expect(lastId).toBeDefined();
    const producedForIt = reader.bytes() - producedBefore;
    console.log(`stalled client: ${Buffer.byteLength(body)} bytes delivered of ${producedForIt} produced; server RSS ${rssBefore.toFixed(0)} MB before, peak +${(peakRss - rssBefore).toFixed(1)} MB`);
    expect(Buffer.byteLength(body)).toBeLessThan(producedForIt / 2);
    // Memory stays bounded. The server's RSS moves by tens of MB with the database's and the heap's own
    // churn under this load (the figures are printed above), so this bound is loose: what proves that
    // the frames were not kept is the dropped connection and the bytes it delivered.
    expect(peakRss - rssBefore).toBeLessThan(256);

    // Resuming from the last id it got brings everything it missed.
    const resumed = await open(user, { "Last-Event-ID": lastId! });
    await until(() => resumed.frames.some((f) => f.event === "sync"), 15_000, "the resume delta");
    const delta = JSON.parse(resumed.frames.find((f) => f.event === "sync")!.data!) as TaskSyncResponse;
    const server_ = (await user.get<TaskSyncResponse>(SYNC)).body;
    expect(delta.cursor).toBe(server_.cursor);
    const missed = server_.tasks.filter((t) => t.version > Number(lastId));
    expect(missed.length).toBeGreaterThan(0);
    expect(new Map(delta.tasks.map((t) => [t.id, t.version]))).toEqual(new Map(missed.map((t) => [t.id, t.version])));
    socket.destroy();
    await closeAll([reader, resumed]);
  }, 300_000);
});

/** The body of an HTTP/1.1 chunked response, as far as it was received. */
function dechunk(raw: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = parseInt(raw.subarray(at, lineEnd).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts).toString("utf8");
}
