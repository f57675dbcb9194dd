/**
 * PDF decompression bombs against the real import job and the upload-time check: pdf.js runs in a child
 * process whose memory (ArrayBuffers included) is capped, so a bomb fails its own work with a clear code,
 * and neither this process (the server) nor the pdf.js process grows past its bound. The bombs are made
 * here with zlib (tests/helpers/hostile-pdfs.ts), never committed.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validatePdfUpload } from "@/server/cv/upload";
import { pdfPool, PDF_MEMORY_LIMIT_MB, rssOf } from "@/server/cv/pdf/pool";
import { AppError } from "@/server/errors";
import { InputFileDirectory } from "@/server/tasks/input-files";
import type { BackgroundTask } from "@/shared/tasks";
import { createEngine, untilTask, waitFor, type Engine } from "../helpers/engine";
import { contentStreamBomb, objectStreamBomb } from "../helpers/hostile-pdfs";
import { cvPdf } from "../helpers/pdfs";
import { ada } from "../fixtures/people";

const MB = 1024 * 1024;
// The watchdogs poll every 10-20 ms; pdf.js's buffer doubling can add a little between two polls.
const CHILD_BOUND = (PDF_MEMORY_LIMIT_MB + 128) * MB;
const HOST_GROWTH_BOUND = 128 * MB;
const finished = (t: BackgroundTask) => !["queued", "running"].includes(t.status);

/** Samples the RSS of this process and of every pdf.js process every 5 ms, keeping the peaks. */
function memorySampler() {
  const baseline = rssOf(process.pid)!;
  let hostPeak = baseline;
  const childPeaks = new Map<number, number>();
  const timer = setInterval(() => {
    hostPeak = Math.max(hostPeak, rssOf(process.pid) ?? 0);
    for (const pid of pdfPool().pids()) childPeaks.set(pid, Math.max(childPeaks.get(pid) ?? 0, rssOf(pid) ?? 0));
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      const childPeak = Math.max(0, ...childPeaks.values());
      const figures = { hostGrowthMb: Math.round((hostPeak - baseline) / MB), childPeakMb: Math.round(childPeak / MB) };
      console.log(`[pdf-bomb] ${JSON.stringify(figures)}`);
      return { hostGrowth: hostPeak - baseline, childPeak };
    },
  };
}

describe("PDF decompression bombs", () => {
  let engine: Engine;
  let userId: string;
  let contentBomb: Uint8Array;
  let objStmBomb: Uint8Array;
  let filesDir: string;
  beforeAll(async () => {
    contentBomb = contentStreamBomb(4);
    objStmBomb = objectStreamBomb(3);
    engine = await createEngine({ types: "app" });
    // As the app does on the embedded database: uploaded bytes on disk, not through PGlite.
    filesDir = fs.mkdtempSync(path.join(os.tmpdir(), "cv-tasks-input-"));
    await engine.store.keepInputFilesIn(new InputFileDirectory(filesDir));
    userId = await engine.addUser();
    await engine.runner({ concurrency: 3, perUserConcurrency: 3 }).start();
  });
  afterAll(async () => {
    await engine.close();
    await pdfPool().close();
    fs.rmSync(filesDir, { recursive: true, force: true });
  });

  const importPdf = async (data: Uint8Array) =>
    (
      await engine.store.create(
        userId,
        { id: randomUUID(), type: "import-pdf", title: "Import bomb.pdf", payload: { fileName: "bomb.pdf", sizeBytes: data.byteLength, pages: null }, inputFile: { fileName: "bomb.pdf", contentType: "application/pdf", data } },
        "device-a",
      )
    ).task;

  it("a content stream that inflates to 4 GiB fails its import clearly, and memory stays bounded", async () => {
    const sampler = memorySampler();
    const task = await importPdf(contentBomb);
    const done = await untilTask(engine, userId, task.id, finished, 55_000);
    const { hostGrowth, childPeak } = sampler.stop();
    expect(done.status).toBe("failed");
    expect(done.error).toEqual({ code: "pdf_too_large_decompressed", message: expect.stringMatching(/expands to more than 512 MB when decompressed/) });
    expect(childPeak).toBeGreaterThan(0); // the sampler did see the pdf.js process
    expect(childPeak).toBeLessThan(CHILD_BOUND);
    expect(hostGrowth).toBeLessThan(HOST_GROWTH_BOUND);
    // Kept for a retry (one of the user's latest 3), on disk, until the task is deleted; then it goes with it.
    expect(done.inputKept).toBe(true);
    expect(fs.readdirSync(filesDir)).toEqual([`${task.id}.bin`]);
    await engine.store.delete(userId, task.id);
    expect(await engine.store.inputFileOf(task.id)).toBeNull();
    expect(fs.readdirSync(filesDir)).toEqual([]);
  });

  it("three bombs at once each fail alone, under the ceiling, and a real CV imports right after", async () => {
    const sampler = memorySampler();
    const tasks = await Promise.all([importPdf(contentBomb), importPdf(objStmBomb), importPdf(contentBomb)]);
    const done = await Promise.all(tasks.map((t) => untilTask(engine, userId, t.id, finished, 55_000)));
    const { hostGrowth, childPeak } = sampler.stop();
    expect(done.map((t) => t.error?.code)).toEqual(["pdf_too_large_decompressed", "pdf_too_large_decompressed", "pdf_too_large_decompressed"]);
    expect(childPeak).toBeLessThan(CHILD_BOUND);
    expect(hostGrowth).toBeLessThan(HOST_GROWTH_BOUND);

    const real = await importPdf(await cvPdf(ada));
    expect((await untilTask(engine, userId, real.id, finished)).status).toBe("completed");
  });

  it("the upload-time check refuses an object-stream bomb with a 413, three at once included", async () => {
    const sampler = memorySampler();
    // As the upload route hands it over: the file on disk (the multipart reader streamed it there) and its head.
    const onDisk = path.join(filesDir, "uploaded-bomb.pdf");
    fs.writeFileSync(onDisk, objStmBomb);
    const file = () => ({ fileName: "bomb.pdf", path: onDisk, sizeBytes: objStmBomb.byteLength, head: objStmBomb.subarray(0, 1024) });
    const results = await Promise.allSettled([validatePdfUpload(file()), validatePdfUpload(file()), validatePdfUpload(file())]);
    fs.rmSync(onDisk);
    const { hostGrowth, childPeak } = sampler.stop();
    for (const r of results) {
      expect(r.status).toBe("rejected");
      const err = (r as PromiseRejectedResult).reason;
      expect(AppError.is(err)).toBe(true);
      expect(err).toMatchObject({ status: 413, code: "pdf_too_large_decompressed", message: expect.stringMatching(/more than 512 MB when decompressed/) });
    }
    expect(childPeak).toBeLessThan(CHILD_BOUND);
    expect(hostGrowth).toBeLessThan(HOST_GROWTH_BOUND);
  });

  it("a cancel during a bomb kills its pdf.js process at once; the task's slot frees only after it has exited", async () => {
    const task = await importPdf(contentBomb);
    const child = await waitFor(() => [...(engine.registry.get(task.id)?.children ?? [])][0], 10_000, "the pdf.js process");
    let exitedAt = 0;
    child.once("exit", () => (exitedAt = Date.now()));
    const t0 = Date.now();
    expect((await engine.store.cancel(userId, task.id, "device-b")).status).toBe("cancelled");
    await waitFor(() => !engine.registry.has(task.id), 5000, "the task's slot to free");
    const freedAt = Date.now();
    expect(exitedAt).toBeGreaterThan(0); // exited before the slot freed
    expect(exitedAt).toBeLessThanOrEqual(freedAt);
    expect(exitedAt - t0).toBeLessThan(500);
  });
});
