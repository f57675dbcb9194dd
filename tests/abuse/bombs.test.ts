/**
 * PDF decompression bombs uploaded to the production build (tests/abuse/setup.ts), made here with zlib and never
 * committed: at upload time (the page-count check) and during the import, one at a time and several at once.
 * Each gets a clear answer, and memory stays bounded: the pdf.js processes under their ceiling, the server
 * itself (its RSS read from /proc) nearly flat.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { isFinishedStatus, type ApiErrorBody, type TaskResponse } from "@/shared/tasks";
import { ApiClient } from "../../scripts/lib/api-client";
import { untilTaskIs } from "../helpers/api-tasks";
import { contentStreamBomb, heavyPdf, objectStreamBomb } from "../helpers/hostile-pdfs";
import { treeSampler } from "../helpers/proc-memory";

const url = inject("abuseUrl");
const pid = inject("abusePid");
const IMPORT = "/api/background-tasks/import-pdf";
const SYNC = "/api/background-tasks/sync";
const CEILING_MB = 512;

describe("decompression bombs", () => {
  let attacker: ApiClient;
  beforeAll(async () => {
    attacker = await ApiClient.signUp(url);
  });

  it("an object-stream bomb is refused at upload (413) and a content-stream bomb fails its task; memory stays bounded", async () => {
    // Warm up first (route code loaded, pdf.js process started, database pages touched): growth is measured from there.
    const warm = await attacker.upload<TaskResponse>(IMPORT, heavyPdf(4 * 1024 * 1024), "warm-up.pdf");
    expect(warm.status).toBe(202);
    await untilTaskIs(attacker, warm.body.task.id, (t) => isFinishedStatus(t.status), 30_000);
    const objStm = objectStreamBomb(3);
    const content = contentStreamBomb(4);
    const sampler = treeSampler(pid);

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
    const sampler = treeSampler(pid);
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

