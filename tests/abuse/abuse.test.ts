/**
 * Attacks by a hostile user against a production build (tests/abuse/setup.ts): each one asserts the answer a
 * person sees (status, code, message) and, where memory is the point, the server's RSS read from /proc.
 * Every loop is bounded.
 */
import fs from "node:fs";
import net from "node:net";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { ApiClient } from "../../scripts/lib/api-client";
import { untilTaskIs } from "../helpers/api-tasks";
import { cvPdf } from "../helpers/pdfs";
import { people } from "../fixtures/people";
import type { CvListResponse, CvResponse } from "@/shared/cv";
import { isFinishedStatus, type ApiErrorBody, type BackgroundTask, type TaskResponse, type TaskSyncResponse } from "@/shared/tasks";
import { rssMb, streamBody, watchRss } from "./attacks";
import { ABUSE_CV_LIMIT, SLOW_OFFER_MARKER } from "./setup";

const url = inject("abuseUrl");
const pid = inject("abusePid");
const logPath = inject("abuseLog");
const SYNC = "/api/background-tasks/sync";
const IMPORT = "/api/background-tasks/import-pdf";
const GENERATE = "/api/background-tasks/generate-cv";
const MB = 1024 * 1024;
/** RSS growth allowed while a 500 MB body is refused. */
const BODY_RSS_BOUND_MB = 64;

const finished = (client: ApiClient, id: string, timeoutMs = 60_000) => untilTaskIs(client, id, (t) => isFinishedStatus(t.status), timeoutMs);

async function importCv(client: ApiClient, name = "ada"): Promise<{ task: BackgroundTask; cvId: string }> {
  const res = await client.upload<TaskResponse>(IMPORT, await cvPdf(people.ada), `${name}.pdf`);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const task = await finished(client, res.body.task.id);
  expect(task.status, JSON.stringify(task.error)).toBe("completed");
  return { task, cvId: (task.result as { cvId: string }).cvId };
}

async function taskCount(client: ApiClient): Promise<number> {
  return (await client.get<TaskSyncResponse>(SYNC)).body.tasks.length;
}

let alice: ApiClient;
let aliceCv: { task: BackgroundTask; cvId: string };

beforeAll(async () => {
  alice = await ApiClient.signUp(url);
  aliceCv = await importCv(alice);
});

describe("bounded bodies", () => {
  it("refuses 500 MB of chunked JSON with a 413 at once, and the server's memory stays flat", async () => {
    const before = rssMb(pid);
    const watch = watchRss(pid);
    const res = await streamBody({
      url,
      path: SYNC,
      headers: { cookie: alice.cookieHeader, origin: url, "content-type": "application/json" },
      prefix: '{"type":"import-pdf","title":"',
      totalBytes: 500 * MB,
    });
    const peak = watch.stop();
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toMatchObject({ code: "body_too_large", message: expect.stringMatching(/larger than 2 MB/) });
    expect(res.sentBytes).toBeLessThan(100 * MB); // answered long before the end
    expect(peak - before).toBeLessThan(BODY_RSS_BOUND_MB);
  });

  it("refuses a chunked 500 MB upload with a 413 at once, memory flat, and creates no task", async () => {
    const tasksBefore = await taskCount(alice);
    const before = rssMb(pid);
    const watch = watchRss(pid);
    const boundary = "----abuse" + randomUUID();
    const res = await streamBody({
      url,
      path: IMPORT,
      headers: { cookie: alice.cookieHeader, origin: url, "content-type": `multipart/form-data; boundary=${boundary}` },
      prefix: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
      totalBytes: 500 * MB,
    });
    const peak = watch.stop();
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toMatchObject({ code: "file_too_large", message: expect.stringMatching(/larger than 10 MB/) });
    expect(res.sentBytes).toBeLessThan(100 * MB);
    expect(peak - before).toBeLessThan(BODY_RSS_BOUND_MB);
    expect(await taskCount(alice)).toBe(tasksBefore);
  });

  it("refuses a declared 500 MB upload before a byte of it is sent", async () => {
    const res = await streamBody({
      url,
      path: IMPORT,
      headers: { cookie: alice.cookieHeader, origin: url, "content-type": "multipart/form-data; boundary=x" },
      totalBytes: 500 * MB,
      declareLength: true,
      headersOnly: true,
    });
    expect(res.status).toBe(413);
    expect(res.sentBytes).toBe(0);
  });

  it("still takes the largest legitimate body: 10 job offers of 50,000 characters in a 3-byte script", async () => {
    const offers = Array.from({ length: 10 }, (_, i) => ({ text: `${i} ${"職".repeat(49_990)}` }));
    const res = await alice.post<{ tasks: BackgroundTask[] } & ApiErrorBody>(GENERATE, { cvId: aliceCv.cvId, offers });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(202);
    expect(res.body.tasks).toHaveLength(10);
    for (const task of res.body.tasks) await alice.delete(`${SYNC}?taskId=${task.id}&action=cancel`);
  });
});

describe("NUL bytes and lone surrogates in user text", () => {
  it("answers 400 naming the field, for every kind of user text, and the log holds none of it", async () => {
    const marker = `MARKER-${randomUUID()}`;
    const nul = `${marker}\u0000end`;
    const lone = `${marker}\ud800end`;
    const cv = (await alice.get<CvResponse>(`/api/cvs/${aliceCv.cvId}`)).body.cv;
    const offer = (text: string) => ({ cvId: aliceCv.cvId, offers: [{ text: `${text} ${"senior engineer ".repeat(10)}` }] });
    const cases: [string, () => Promise<{ status: number; body: unknown }>, RegExp][] = [
      ["task title", () => alice.post(SYNC, { type: "generate-cv", title: nul, payload: { cvId: aliceCv.cvId, offer: offer("x").offers[0] } }), /^title: /],
      ["CV title", () => alice.patch(`/api/cvs/${aliceCv.cvId}`, { title: nul }), /^title: /],
      ["CV content", () => alice.patch(`/api/cvs/${aliceCv.cvId}`, { content: { ...cv.content, basics: { ...cv.content.basics, name: nul } } }), /^content\.basics\.name: /],
      ["job offer", () => alice.post(GENERATE, offer(nul)), /^offers\.0\.text: /],
      ["job offer company", () => alice.post(GENERATE, { cvId: aliceCv.cvId, offers: [{ ...offer("x").offers[0], company: lone }] }), /^offers\.0\.company: /],
      ["task title (lone surrogate)", () => alice.post(SYNC, { type: "generate-cv", title: lone, payload: { cvId: aliceCv.cvId, offer: offer("x").offers[0] } }), /^title: /],
      ["name at sign-up", () => new ApiClient(url).post("/api/auth/sign-up/email", { email: `${randomUUID()}@example.test`, password: "correct horse battery", name: nul }), /^name: /],
    ];
    for (const [what, send, field] of cases) {
      const res = await send();
      expect(res.status, what).toBe(400);
      const error = (res.body as ApiErrorBody).error;
      expect(error.message, what).toMatch(field);
      expect(error.message, what).toMatch(/NUL character or an invalid Unicode character/);
      expect(error.message, what).not.toContain(marker);
    }
    // The upload's file name too.
    const upload = await alice.upload<ApiErrorBody>(IMPORT, await cvPdf(people.ada), `${marker}\u0000.pdf`);
    expect([400]).toContain(upload.status);
    // Nothing was half-written, and the server printed none of the text.
    expect((await alice.get<CvResponse>(`/api/cvs/${aliceCv.cvId}`)).body.cv.title).toBe(cv.title);
    expect(fs.readFileSync(logPath, "utf8")).not.toContain(marker);
  });
});

describe("cross-site requests", () => {
  const otherOrigin = () => `http://127.0.0.1:${Number(new URL(url).port) + 1}`;

  it("refuses a cross-site form POST (text/plain) and creates no task", async () => {
    const before = await taskCount(alice);
    const res = await alice.request<ApiErrorBody>("POST", SYNC, '{"type":"import-pdf","x":"', { origin: otherOrigin(), "content-type": "text/plain" });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("cross_origin_request");
    // The same form from a browser that sends only Sec-Fetch-Site.
    const res2 = await fetch(`${url}${SYNC}`, {
      method: "POST",
      headers: { cookie: alice.cookieHeader, "sec-fetch-site": "same-site", "content-type": "text/plain" },
      body: '{"type":"import-pdf"}',
    });
    expect(res2.status).toBe(403);
    // And from an old browser sending neither header: a simple request is refused all the same.
    const res3 = await fetch(`${url}${SYNC}`, { method: "POST", headers: { cookie: alice.cookieHeader, "content-type": "text/plain" }, body: '{"type":"import-pdf"}' });
    expect(res3.status).toBe(403);
    expect(await taskCount(alice)).toBe(before);
  });

  it("refuses a no-cors multipart upload from another origin and creates no task", async () => {
    const before = await taskCount(alice);
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(await cvPdf(people.ada))], { type: "application/pdf" }), "cv.pdf");
    const res = await fetch(`${url}${IMPORT}`, { method: "POST", headers: { cookie: alice.cookieHeader, origin: otherOrigin(), "sec-fetch-site": "same-site" }, body: form });
    expect(res.status).toBe(403);
    expect(((await res.json()) as ApiErrorBody).error.code).toBe("cross_origin_request");
    expect(await taskCount(alice)).toBe(before);
  });

  it("refuses a cross-site sign-out and other auth writes", async () => {
    const res = await fetch(`${url}/api/auth/sign-out`, { method: "POST", headers: { cookie: alice.cookieHeader, origin: otherOrigin(), "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(403);
    expect((await alice.get(SYNC)).status).toBe(200); // still signed in
  });

  it("lets a program with a session (no Origin, no Sec-Fetch-Site) send JSON, which no page can send cross-site without a preflight", async () => {
    const res = await fetch(`${url}${SYNC}`, { method: "POST", headers: { cookie: alice.cookieHeader, "content-type": "application/json" }, body: '{"type":"nope"}' });
    expect(res.status).toBe(400); // past the origin check: an unknown type
    expect(((await res.json()) as ApiErrorBody).error.code).toBe("unknown_task_type");
  });

  it("accepts only JSON or multipart bodies on the API (415 otherwise)", async () => {
    const res = await alice.request<ApiErrorBody>("POST", SYNC, "type=noop", { "content-type": "application/x-www-form-urlencoded" });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("unsupported_media_type");
  });
});

describe("web defaults", () => {
  it("sends security headers on a page (a CSP with a nonce the page's scripts carry) and on an API answer", async () => {
    const page = await fetch(`${url}/sign-in`);
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? "";
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
    expect(nonce).toBeTruthy();
    expect(scriptSrc).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await page.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    // A fresh nonce per view.
    const again = (await fetch(`${url}/sign-in`)).headers.get("content-security-policy");
    expect(again).not.toBe(csp);

    const api = await fetch(`${url}${SYNC}`, { headers: { cookie: alice.cookieHeader } });
    for (const res of [page, api]) {
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("strict-transport-security")).toBeNull(); // plain HTTP here
    }
    const overHttps = await fetch(`${url}${SYNC}`, { headers: { "x-forwarded-proto": "https" } });
    expect(overHttps.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
  });

  it("answers 400 to an unknown Host, on the API and on pages", async () => {
    const { request } = await import("node:http");
    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const target = new URL(path, url);
        const req = request({ host: target.hostname, port: target.port, path, headers: { host: "evil.example" } }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        req.end();
      });
    const api = await get(SYNC);
    expect(api.status).toBe(400);
    expect(JSON.parse(api.body).error.code).toBe("unknown_host");
    expect((await get("/sign-in")).status).toBe(400);
  });
});

describe("accounts", () => {
  it("refuses `password` and other weak passwords at sign-up, with a message a person can act on", async () => {
    const cases: [string, string, RegExp][] = [
      ["password", "PASSWORD_TOO_SHORT", /at least 10 characters/],
      ["password123", "PASSWORD_TOO_COMMON", /too common/],
      ["qwertyuiop", "PASSWORD_TOO_COMMON", /too common/],
      ["aaaaaaaaaaaa", "PASSWORD_TOO_COMMON", /too common/],
    ];
    for (const [password, code, message] of cases) {
      const res = await new ApiClient(url).post<{ code: string; message: string }>("/api/auth/sign-up/email", { email: `${randomUUID()}@example.test`, password, name: "x" });
      expect(res.status, password).toBe(400);
      expect(res.body.code, password).toBe(code);
      expect(res.body.message, password).toMatch(message);
    }
  });

  it("limits a guessing attacker who rotates X-Forwarded-For, without locking another user out, and stores no spoofed address", async () => {
    const victimEmail = `victim-${randomUUID()}@example.test`;
    await ApiClient.signUp(url, victimEmail, "the victim's long passphrase");
    const otherEmail = `other-${randomUUID()}@example.test`;
    await ApiClient.signUp(url, otherEmail, "someone else entirely here");

    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const res = await new ApiClient(url).post("/api/auth/sign-in/email", { email: victimEmail, password: `guess number ${i}` }, { "x-forwarded-for": `203.0.113.${i + 1}` });
      statuses.push(res.status);
      if (i === 12) {
        // Another user signs in meanwhile, from the same machine.
        const other = await new ApiClient(url).post("/api/auth/sign-in/email", { email: otherEmail, password: "someone else entirely here" });
        expect(other.status).toBe(200);
      }
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    const right = await new ApiClient(url).post<{ code: string; message: string }>("/api/auth/sign-in/email", { email: victimEmail, password: "the victim's long passphrase" }, { "x-forwarded-for": "198.51.100.7" });
    expect(right.status).toBe(429);
    expect(right.body.message).toMatch(/Too many attempts/);
    expect(right.headers.get("retry-after")).toMatch(/^\d+$/);

    // A session records the socket's address, never the X-Forwarded-For a client made up.
    const spoofer = new ApiClient(url);
    expect((await spoofer.post("/api/auth/sign-in/email", { email: otherEmail, password: "someone else entirely here" }, { "x-forwarded-for": "6.6.6.6" })).status).toBe(200);
    const sessions = await spoofer.get<{ ipAddress: string | null }[]>("/api/auth/list-sessions");
    expect(sessions.status).toBe(200);
    expect(sessions.body.map((s) => s.ipAddress)).not.toContain("6.6.6.6");
    expect(sessions.body.map((s) => s.ipAddress)).toContain("127.0.0.1");
  });
});

describe("push connection flood", () => {
  it("one session's flood of stream requests is refused at once past its share, its sockets close, and another user is served throughout", async () => {
    const attacker = await ApiClient.signUp(url);
    const target = new URL(url);
    const FLOOD = 300;
    const request = `GET /api/background-tasks/events HTTP/1.1\r\nHost: ${target.host}\r\nCookie: ${attacker.cookieHeader}\r\nAccept: text/event-stream\r\n\r\n`;
    const sockets: net.Socket[] = [];
    const statuses: number[] = [];
    const closed = Promise.all(
      Array.from({ length: FLOOD }, () => {
        const socket = net.connect(Number(target.port), target.hostname, () => socket.write(request));
        sockets.push(socket);
        let head = "";
        let answered = false;
        return new Promise<void>((resolve) => {
          socket.on("data", (d: Buffer) => {
            if (answered) return;
            head += d.toString("latin1");
            const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
            if (status) {
              answered = true;
              statuses.push(Number(status));
            }
          });
          socket.on("close", () => resolve());
          socket.on("error", () => resolve());
        });
      }),
    );
    try {
      // Every request has had its answer: a stream (200) or a refusal (429).
      await waitForValue(() => (statuses.length === FLOOD ? true : null), 60_000);
      const streams = statuses.filter((s) => s === 200).length;
      // Twice the per-user cap (6) may be connected at once (room for reconnections); the rest are refused.
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(FLOOD - 12 - streams);
      expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
      // A refused or evicted stream's socket is closed by the server, not kept alive: at most the cap stays open.
      await waitForValue(() => (sockets.filter((s) => !s.destroyed && !s.readableEnded).length <= 12 ? true : null), 30_000);
      // Another user is served meanwhile.
      const other = await ApiClient.signUp(url);
      expect((await other.get(SYNC)).status).toBe(200);
    } finally {
      for (const s of sockets) s.destroy();
      await closed;
    }
  });
});

describe("fair and bounded use", () => {
  it("refuses the diagnostic noop type without ALLOW_DIAGNOSTIC_TASKS", async () => {
    const before = await taskCount(alice);
    const res = await alice.post<ApiErrorBody>(SYNC, { type: "noop", payload: { durationMs: 600_000 } });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: "diagnostic_tasks_disabled", message: expect.stringMatching(/ALLOW_DIAGNOSTIC_TASKS/) });
    expect(await taskCount(alice)).toBe(before);
  });

  it(`caps CVs per user (${ABUSE_CV_LIMIT} here), when tasks are created and when they complete, and pages the CV list`, async () => {
    const carol = await ApiClient.signUp(url);
    const base = await importCv(carol);
    // 1 + 10 generated = 11 CVs.
    const offers = Array.from({ length: 10 }, (_, i) => ({ text: `Offer ${i}: we need a senior TypeScript engineer with React and PostgreSQL. ${"x".repeat(40)}` }));
    const many = await carol.post<{ tasks: BackgroundTask[] }>(GENERATE, { cvId: base.cvId, offers });
    expect(many.status).toBe(202);
    for (const t of many.body.tasks) expect((await finished(carol, t.id)).status).toBe("completed");

    // Two more would pass the limit: refused before any task exists.
    const tooMany = await carol.post<ApiErrorBody>(GENERATE, { cvId: base.cvId, offers: offers.slice(0, 2) });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error).toMatchObject({ code: "cv_limit_reached", message: expect.stringMatching(/limit of 12 CVs/) });

    // One each, while there is room for one: both pass the creation check; the slow one (its model call waits
    // 3 s) completes second and finds the cap reached, so it fails and writes nothing.
    const slowOffer = [{ text: `${SLOW_OFFER_MARKER}: a senior TypeScript engineer with React and PostgreSQL. ${"z".repeat(40)}` }];
    const slow = await carol.post<{ tasks: BackgroundTask[] }>(GENERATE, { cvId: base.cvId, offers: slowOffer });
    const quick = await carol.post<{ tasks: BackgroundTask[] }>(GENERATE, { cvId: base.cvId, offers: offers.slice(1, 2) });
    expect([slow.status, quick.status]).toEqual([202, 202]);
    expect((await finished(carol, quick.body.tasks[0]!.id)).status).toBe("completed");
    const late = await finished(carol, slow.body.tasks[0]!.id);
    expect(late.status).toBe("failed");
    expect(late.error).toMatchObject({ code: "cv_limit_reached", message: expect.stringMatching(/limit of 12 CVs/) });

    const upload = await carol.upload<ApiErrorBody>(IMPORT, await cvPdf(people.ada), "again.pdf");
    expect(upload.status).toBe(409);
    expect(upload.body.error.code).toBe("cv_limit_reached");

    // The list, 5 at a time: every CV once, newest first.
    const seen: CvListResponse["cvs"] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res: { status: number; body: CvListResponse } = await carol.get<CvListResponse>(`/api/cvs?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.cvs.length).toBeLessThanOrEqual(5);
      seen.push(...res.body.cvs);
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(ABUSE_CV_LIMIT);
    expect(new Set(seen.map((c) => c.id)).size).toBe(ABUSE_CV_LIMIT);
    const times = seen.map((c) => c.createdAt);
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    expect((await carol.get<ApiErrorBody>("/api/cvs?cursor=not-a-cursor")).status).toBe(400);
    expect((await carol.get<ApiErrorBody>("/api/cvs?limit=1000")).status).toBe(400);
  });

  it("purges only the task named by taskId (query) or taskIds (body)", async () => {
    const erin = await ApiClient.signUp(url);
    // Four finished tasks: an import, then three generations cancelled (or completed, if quicker).
    const cv = await importCv(erin);
    const ids = [cv.task.id];
    const more = await erin.post<{ tasks: BackgroundTask[] }>(GENERATE, {
      cvId: cv.cvId,
      offers: [0, 1, 2].map((i) => ({ text: `Offer ${i}: a senior TypeScript engineer with React. ${"y".repeat(40)}` })),
    });
    expect(more.status).toBe(202);
    for (const t of more.body.tasks) {
      await erin.delete(`${SYNC}?taskId=${t.id}&action=cancel`);
      ids.push(t.id);
    }
    for (const id of ids) await finished(erin, id);
    const [first, second, third, fourth] = ids as [string, string, string, string];
    const one = await erin.delete<{ deleted: number }>(`${SYNC}?action=purge&taskId=${first}`);
    expect(one.status).toBe(200);
    expect(one.body.deleted).toBe(1);
    let left = (await erin.get<TaskSyncResponse>(SYNC)).body.tasks.map((t) => t.id);
    expect(left).not.toContain(first);
    expect(left).toEqual(expect.arrayContaining([second, third, fourth]));

    const two = await erin.delete<{ deleted: number }>(`${SYNC}?action=purge`, { taskIds: [second, third] });
    expect(two.body.deleted).toBe(2);
    left = (await erin.get<TaskSyncResponse>(SYNC)).body.tasks.map((t) => t.id);
    expect(left).toEqual([fourth]);
  });

  it("keeps a user's tombstone when another user reuses the deleted task's id: the first user's devices still drop it", async () => {
    const owner = alice;
    const reuser = await ApiClient.signUp(url);
    const id = randomUUID();
    const pdf = await cvPdf(people.ada);
    const first = await owner.upload<TaskResponse>(IMPORT, pdf, "ada.pdf", { id });
    expect(first.status).toBe(202);
    await finished(owner, id);
    const { cursor } = (await owner.get<TaskSyncResponse>(SYNC)).body;
    expect((await owner.delete(`${SYNC}?taskId=${id}`)).status).toBe(200);

    // The id is free again (the task is gone): another user's upload may take it, and it is theirs alone.
    const reused = await reuser.upload<TaskResponse>(IMPORT, pdf, "ada.pdf", { id });
    expect(reused.status, JSON.stringify(reused.body)).toBe(202);
    expect(reused.body.task.id).toBe(id);
    const delta = (await owner.get<TaskSyncResponse>(`${SYNC}?since=${cursor}`)).body;
    expect(delta.deleted).toEqual([id]);
    expect(delta.tasks.map((t) => t.id)).not.toContain(id);
    const ownerView = await owner.get<ApiErrorBody>(`${SYNC}?taskId=${id}`);
    expect(ownerView.status).toBe(404);
    await finished(reuser, id);
  });

  it("falls back to the offline engine when the model answers 200 with an empty body, and says why", async () => {
    expect(aliceCv.task.result).toMatchObject({ engine: "offline", fallbackReason: expect.stringMatching(/empty or not JSON/) });
    const cv = (await alice.get<CvResponse>(`/api/cvs/${aliceCv.cvId}`)).body.cv;
    expect(cv.content.basics.name).toBe(people.ada.basics.name);
  });
});

/** Polls `check` until it answers non-null, for at most `timeoutMs` (the deadline is the behaviour asserted). */
async function waitForValue<T>(check: () => T | null, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== null) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
