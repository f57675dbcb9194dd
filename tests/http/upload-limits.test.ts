/**
 * Hostile uploads against a started production build (its own server, so that its memory can be read):
 * decompression bombs at upload time and during the import, several at once, and a flood of 10 MB uploads
 * while another user works. The bombs are made here with zlib, never committed.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFinishedStatus, type ApiErrorBody, type BackgroundTask, type TaskResponse, type TaskSyncResponse } from "@/shared/tasks";
import { ApiClient } from "../../scripts/lib/api-client";
import { startAppServer, type AppServer } from "../../scripts/lib/app-server";
import { untilTaskIs } from "../helpers/api-tasks";
import { contentStreamBomb, heavyPdf, objectStreamBomb } from "../helpers/hostile-pdfs";
import { treeSampler } from "../helpers/proc-memory";

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
      process.stdout.write(JSON.stringify(latencies) + "\\n");
      process.exit(0);
    })();`;
  const child = spawn(process.execPath, ["-e", code], { env: { NODE_ENV: "test", POLL_URL: url, POLL_COOKIE: cookie }, stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (status: number | null) => r(status)));
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
const CEILING_MB = 512;

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

describe("decompression bombs", () => {
  let attacker: ApiClient;
  beforeAll(async () => {
    attacker = await ApiClient.signUp(server.url);
  });

  it("an object-stream bomb is refused at upload (413) and a content-stream bomb fails its task; memory stays bounded", async () => {
    // Warm up first (route code loaded, pdf.js process started, database pages touched): growth is measured from there.
    const warm = await attacker.upload<TaskResponse>(IMPORT, heavyPdf(4 * 1024 * 1024), "warm-up.pdf");
    expect(warm.status).toBe(202);
    await untilTaskIs(attacker, warm.body.task.id, (t) => isFinishedStatus(t.status), 30_000);
    const objStm = objectStreamBomb(3);
    const content = contentStreamBomb(4);
    const sampler = treeSampler(server.process.pid!);

    const refused = await attacker.upload<ApiErrorBody>(IMPORT, objStm, "bomb.pdf");
    expect(refused.status).toBe(413);
    expect(refused.body.error).toMatchObject({ code: "pdf_too_large_decompressed", message: expect.stringMatching(/more than 512 MB when decompressed/) });

    const accepted = await attacker.upload<TaskResponse>(IMPORT, content, "bomb.pdf");
    expect(accepted.status).toBe(202);
    const done = await untilTaskIs(attacker, accepted.body.task.id, (t) => isFinishedStatus(t.status), 50_000);
    expect(done.status).toBe("failed");
    expect(done.error).toMatchObject({ code: "pdf_too_large_decompressed", message: expect.stringMatching(/more than 512 MB when decompressed/) });

    const memory = sampler.stop();
    console.log(`[upload-limits] one bomb of each kind: ${JSON.stringify(memory)}`);
    expect(memory.pdfProcesses).toBeGreaterThan(0);
    expect(memory.pdfPeakMb).toBeLessThan(CEILING_MB + 128);
    expect(memory.serverGrowthMb).toBeLessThan(300);
  });

  it("three bombs uploaded at once: each refused with a 4xx (or a 503 to retry), never a 500, and the server stays up and bounded", async () => {
    const objStm = objectStreamBomb(3);
    const sampler = treeSampler(server.process.pid!);
    const results = await Promise.all([1, 2, 3].map(() => attacker.upload<ApiErrorBody>(IMPORT, objStm, "bomb.pdf")));
    const memory = sampler.stop();
    console.log(`[upload-limits] three bombs at once: statuses ${results.map((r) => r.status).join(",")} ${JSON.stringify(memory)}`);
    // Each is stopped by a bound: the memory ceiling (413), the time limit when the machine is too loaded
    // to reach the ceiling in 15 s (400), or the gate (503).
    const expected: Record<number, string> = { 413: "pdf_too_large_decompressed", 400: "pdf_timeout", 503: "pdf_checks_busy" };
    for (const r of results) expect(r.body.error?.code).toBe(expected[r.status]);
    expect(results.some((r) => r.status === 413)).toBe(true);
    expect(memory.pdfPeakMb).toBeLessThan(CEILING_MB + 128);
    expect(memory.serverGrowthMb).toBeLessThan(300);
    expect((await attacker.get(SYNC)).status).toBe(200);
  });
});

describe("uploads never stall other users", () => {
  it("while 4 uploads of 10 MB are checked and imported, another user's polls stay fast", async () => {
    const [uploader, other] = await Promise.all([ApiClient.signUp(server.url), ApiClient.signUp(server.url)]);
    const { cursor } = (await other.get<TaskSyncResponse>(SYNC)).body;
    // Warm up: the first request of a route loads its code once per server (hundreds of ms), which is not the behaviour measured.
    const warm = await uploader.upload<TaskResponse>(IMPORT, heavyPdf(1024 * 1024), "warm-up.pdf");
    await untilTaskIs(uploader, warm.body.task.id, (t) => isFinishedStatus(t.status), 30_000);
    expect((await other.get(`${SYNC}?since=${cursor}`)).status).toBe(200);
    const files = [0, 1, 2, 3].map((i) => heavyPdf(10 * 1024 * 1024 - 64 * 1024, `Heavy Person ${i}`));

    // For comparison: the same polls with no upload, on this machine as loaded as it is now.
    const control = startPoller(`${server.url}${SYNC}?since=${cursor}`, other.cookieHeader);
    await control.started;
    await new Promise((r) => setTimeout(r, 2000)); // the length of the control window is the behaviour here
    const quiet = percentiles(await control.stop());

    // The other user polls from its own process, so that this process's work (sending 40 MB) does not count.
    const poller = startPoller(`${server.url}${SYNC}?since=${cursor}`, other.cookieHeader);
    let done: BackgroundTask[] = [];
    let latencies: number[] = [];
    try {
      await poller.started;
      const uploads = await Promise.all(files.map((f, i) => uploader.upload<TaskResponse>(IMPORT, f, `heavy-${i}.pdf`)));
      expect(uploads.map((u) => [u.status, u.status === 202 ? "" : JSON.stringify(u.body)])).toEqual(uploads.map(() => [202, ""]));
      done = await Promise.all(uploads.map((u) => untilTaskIs(uploader, u.body.task.id, (t) => isFinishedStatus(t.status), 60_000)));
    } finally {
      latencies = await poller.stop();
    }
    expect(done.map((t) => t.status)).toEqual(["completed", "completed", "completed", "completed"]);

    const busy = percentiles(latencies);
    console.log(`[upload-limits] upload stall: ${latencies.length} polls, p50 ${busy.p50} ms, p99 ${busy.p99} ms, max ${busy.max} ms (no upload: p50 ${quiet.p50} ms, p99 ${quiet.p99} ms)`);
    expect(latencies.length).toBeGreaterThan(20);
    // The target is 100 ms of stall. The bound is wide, and counted above the same machine's quiet p99 measured
    // just before, so that a loaded CI machine's own slowness is not taken for a stall; the stalls this test
    // exists for were seconds long (11.8 s with the file in the embedded database, 1.2 s with pdf.js at full priority).
    expect(busy.p99 - quiet.p99).toBeLessThan(400);
  });
});
