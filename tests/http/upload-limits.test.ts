/**
 * Heavy uploads against a started production build (its own server, so that its timings are not another
 * suite's): 10 MB uploads of long CVs while another user works. The decompression bombs are in the abuse
 * suite (tests/abuse/bombs.test.ts).
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFinishedStatus, type BackgroundTask, type TaskResponse, type TaskSyncResponse } from "@/shared/tasks";
import { ApiClient } from "../../scripts/lib/api-client";
import { startAppServer, type AppServer } from "../../scripts/lib/app-server";
import { untilTaskIs } from "../helpers/api-tasks";
import type { CvContent, CvResponse } from "@/shared/cv";
import { ada } from "../fixtures/people";
import { heavyPdf, paddedPdf } from "../helpers/hostile-pdfs";
import { cvPdf } from "../helpers/pdfs";

const IMPORT = "/api/background-tasks/import-pdf";

/**
 * A light client in its own process: GETs `url` back to back until told to stop, then reports every
 * request's latency (all must answer 200).
 */
function startPoller(url: string, cookie: string) {
  const code = `
    const latencies = [];
    let polling = true;
    process.stdin.on("data", () => (polling = false)).resume();
    (async () => {
      process.stdout.write("started\\n");
      while (polling) {
        const t0 = performance.now();
        const res = await fetch(process.env.POLL_URL, { headers: { cookie: process.env.POLL_COOKIE } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error("poll answered " + res.status);
        latencies.push(performance.now() - t0);
      }
      // Exit only once the report is written: a pipe takes it asynchronously, and exit() would cut it short.
      process.stdout.write(JSON.stringify(latencies) + "\\n", () => process.exit(0));
    })();`;
  const child = spawn(process.execPath, ["-e", code], { env: { NODE_ENV: "test", POLL_URL: url, POLL_COOKIE: cookie }, stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  // "close": the child has exited and its stdout is read to the end.
  const exited = new Promise<number | null>((r) => child.once("close", (status: number | null) => r(status)));
  const started = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", () => out.includes("started") && resolve());
    void exited.then(() => reject(new Error(`the poller exited early: ${out}`)));
  });
  return {
    started,
    async stop(): Promise<number[]> {
      child.stdin!.end("stop\n");
      expect(await exited).toBe(0);
      return JSON.parse(out.split("\n")[1]!) as number[];
    },
  };
}
const SYNC = "/api/background-tasks/sync";

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((sorted.length * p) / 100) - 1))] ?? 0);
  return { p50: at(50), p99: at(99), max: at(100) };
}

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer();
});
afterAll(() => server?.stop());

describe("uploads never stall other users", () => {
  it("while 4 uploads of 10 MB (long CVs, read to the end) are checked and imported, another user's polls stall by less than 100 ms", async () => {
    const [uploader, other] = await Promise.all([ApiClient.signUp(server.url), ApiClient.signUp(server.url)]);
    const { cursor } = (await other.get<TaskSyncResponse>(SYNC)).body;
    // Warm up: the first request of a route loads its code once per server (hundreds of ms), which is not the behaviour measured.
    const warm = await uploader.upload<TaskResponse>(IMPORT, heavyPdf(1024 * 1024), "warm-up.pdf");
    await untilTaskIs(uploader, warm.body.task.id, (t) => isFinishedStatus(t.status), 30_000);
    expect((await other.get(`${SYNC}?since=${cursor}`)).status).toBe(200);
    // The heaviest CV an upload may be: 19 pages of text (the parser's work grows with it) and images up to 10 MB.
    const files = await Promise.all([0, 1, 2, 3].map(async (i) => paddedPdf(await cvPdf(longCv(`Heavy Person ${"ABCD"[i]}`)), 10 * 1024 * 1024 - 64 * 1024)));

    // For comparison: the same polls with no upload, on this machine as loaded as it is now (and again after).
    const quietPolls = async () => {
      const control = startPoller(`${server.url}${SYNC}?since=${cursor}`, other.cookieHeader);
      await control.started;
      await new Promise((r) => setTimeout(r, 4000)); // the length of the control window is the behaviour here
      return percentiles(await control.stop());
    };
    const before = await quietPolls();

    // The other user polls from its own process, so that this process's work (sending 40 MB) does not count.
    const poller = startPoller(`${server.url}${SYNC}?since=${cursor}`, other.cookieHeader);
    let done: BackgroundTask[] = [];
    let latencies: number[] = [];
    try {
      await poller.started;
      const uploads = await Promise.all(files.map((f, i) => uploader.upload<TaskResponse>(IMPORT, f, `heavy-${i}.pdf`)));
      expect(uploads.map((u) => [u.status, u.status === 202 ? "" : JSON.stringify(u.body)])).toEqual(uploads.map(() => [202, ""]));
      done = await Promise.all(uploads.map((u) => untilTaskIs(uploader, u.body.task.id, (t) => isFinishedStatus(t.status), 180_000)));
    } finally {
      latencies = await poller.stop();
    }
    const after = await quietPolls();
    const quiet = before.p99 >= after.p99 ? before : after;
    expect(done.map((t) => [t.status, t.error?.code ?? null])).toEqual(done.map(() => ["completed", null]));
    // Each was read to the end: the CV of the right person, with its experience.
    const cvs = await Promise.all(done.map((t) => uploader.get<CvResponse>(`/api/cvs/${(t.result as { cvId: string }).cvId}`)));
    expect(cvs.map((c) => c.body.cv.content.basics.name)).toEqual(["Heavy Person A", "Heavy Person B", "Heavy Person C", "Heavy Person D"]);
    for (const c of cvs) expect(c.body.cv.content.work.length).toBeGreaterThan(0);

    const busy = percentiles(latencies);
    console.log(`[upload-limits] upload stall: ${latencies.length} polls, p50 ${busy.p50} ms, p99 ${busy.p99} ms, max ${busy.max} ms (no upload: p50 ${quiet.p50} ms, p99 ${quiet.p99} ms)`);
    expect(latencies.length).toBeGreaterThan(20);
    // The bound a user sees: an upload never delays another user's request by more than 100 ms. It is counted
    // over the p99 of the same polls on the same machine with no upload (the slower of just before and just
    // after), so that a loaded CI machine's own slowness is not taken for a stall. Stalls this test exists for: 11.8 s (the file in the embedded
    // database), 1.2 s (pdf.js at full priority), and the offline parse of each CV on the server's thread.
    expect(busy.p99).toBeLessThan(quiet.p99 + 100);
  }, 240_000);
});

/** A CV of 19 pages: the work entries of `ada`, 70 times over. */
function longCv(name: string): CvContent {
  const entries = Array.from({ length: 70 }, (_, i) => {
    const base = ada.work[i % ada.work.length]!;
    return { ...base, name: `${base.name} ${i + 1}`, highlights: ada.work.flatMap((w) => w.highlights ?? []) };
  });
  return { ...ada, basics: { ...ada.basics, name }, work: entries };
}
