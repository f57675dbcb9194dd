/**
 * The two jobs on the real engine (PGlite, runner, registry), offline and through a real HTTP server that
 * speaks the OpenAI API, with cancellation in every phase.
 */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cv as cvTable, taskInputFile } from "@/server/db/schema";
import { getCv, insertCv } from "@/server/cv/repository";
import type { CvContent } from "@/shared/cv";
import type { BackgroundTask } from "@/shared/tasks";
import { createEngine, sleep, untilTask, waitFor, type Engine } from "../helpers/engine";
import { startFakeLlm, type FakeLlm } from "../helpers/fake-llm";
import { corruptPdf, cvPdf, imageOnlyPdf, longPdf } from "../helpers/pdfs";
import { ada, bruno } from "../fixtures/people";

const OFFER = {
  title: "Senior Platform Engineer",
  company: "Dykstra Logistics",
  text: "We are hiring a Senior Platform Engineer (5+ years). You will build services in Golang on k8s with Terraform, and keep our Postgres and Kafka healthy. English required.",
};

async function importPdf(engine: Engine, userId: string, data: Uint8Array, fileName = "cv.pdf") {
  const { task } = await engine.store.create(
    userId,
    { id: randomUUID(), type: "import-pdf", title: `Import ${fileName}`, payload: { fileName, sizeBytes: data.byteLength, pages: null }, inputFile: { fileName, contentType: "application/pdf", data } },
    "device-a",
  );
  return task;
}

async function generate(engine: Engine, userId: string, cvId: string) {
  const { task } = await engine.store.create(userId, { id: randomUUID(), type: "generate-cv", title: "Tailor", payload: { cvId, offer: OFFER } }, "device-a");
  return task;
}

const cvsOfTask = (engine: Engine, taskId: string) => engine.database.db.select().from(cvTable).where(eq(cvTable.taskId, taskId));
const finished = (t: BackgroundTask) => !["queued", "running"].includes(t.status);

describe("import-pdf, offline", () => {
  let engine: Engine;
  let userId: string;
  beforeAll(async () => {
    engine = await createEngine({ types: "app" });
    userId = await engine.addUser();
    await engine.runner({ concurrency: 3, perUserConcurrency: 3 }).start();
  });
  afterAll(() => engine.close());

  for (const [who, person] of [["Adaline", ada], ["Bruno", bruno]] as const) {
    for (const layout of ["one-column", "two-column"] as const) {
      it(`round-trips ${who}'s CV through our ${layout} PDF export`, async () => {
        const task = await importPdf(engine, userId, await cvPdf(person, layout));
        const done = await untilTask(engine, userId, task.id, finished);
        expect(done.status).toBe("completed");
        // The uploaded PDF does not outlive its import: the stored copy went with the completion.
        expect(await engine.database.db.select({ taskId: taskInputFile.taskId }).from(taskInputFile).where(eq(taskInputFile.taskId, task.id))).toEqual([]);
        const { cvId, engine: used } = done.result as { cvId: string; engine: string };
        expect(used).toBe("offline");
        const { content, source, taskId } = await getCv(engine.database.db, userId, cvId);
        expect(source).toBe("imported");
        expect(taskId).toBe(task.id);
        expect(content.basics).toMatchObject({ name: person.basics.name, email: person.basics.email, phone: person.basics.phone, label: person.basics.label });
        expect(content.basics.url).toBe(person.basics.url); // none: the e-mail must not read as a site
        expect(content.work.map((w) => [w.position, w.name, w.startDate, w.endDate])).toEqual(person.work.map((w) => [w.position, w.name, w.startDate, w.endDate]));
        expect(content.work.map((w) => w.highlights)).toEqual(person.work.map((w) => w.highlights));
        expect(content.education.map((e) => [e.institution, e.studyType])).toEqual(person.education.map((e) => [e.institution, e.studyType]));
        expect(content.skills.flatMap((s) => s.keywords ?? [s.name])).toEqual(person.skills.flatMap((s) => s.keywords ?? [s.name]));
        expect(content.languages).toEqual(person.languages);
      });
    }
  }

  it("reports its stages with rising progress", async () => {
    const seen: { progress: number; stage: string | null }[] = [];
    const task = await importPdf(engine, userId, await longPdf(6));
    const off = engine.bus.onChange(async (e) => {
      if (e.taskId !== task.id) return;
      const t = await engine.store.get(userId, task.id);
      if (t) seen.push({ progress: t.progress, stage: t.stage });
    });
    await untilTask(engine, userId, task.id, finished);
    off();
    await sleep(50);
    const stages = [...new Set(seen.map((s) => s.stage).filter(Boolean))];
    expect(stages).toEqual(expect.arrayContaining(["extracting", "parsing", "saving"]));
    expect(stages.indexOf("extracting")).toBeLessThan(stages.indexOf("parsing"));
    const progress = seen.map((s) => s.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it("fails a PDF without text, and a corrupt one, with clear messages; the file is kept for a retry until the task is deleted", async () => {
    const blank = await importPdf(engine, userId, await imageOnlyPdf());
    const broken = await importPdf(engine, userId, corruptPdf());
    const a = await untilTask(engine, userId, blank.id, finished);
    const b = await untilTask(engine, userId, broken.id, finished);
    expect(a.status).toBe("failed");
    expect(a.error).toEqual({ code: "no_text", message: expect.stringMatching(/no selectable text/) });
    expect(b.status).toBe("failed");
    expect(b.error?.code).toBe("unreadable_pdf");
    expect(b.error?.message).toMatch(/could not be read/);
    expect(await cvsOfTask(engine, broken.id)).toEqual([]);
    expect(a.inputKept).toBe(true);
    expect(await engine.store.inputFileOf(blank.id)).not.toBeNull();
    await engine.store.delete(userId, blank.id);
    expect(await engine.store.inputFileOf(blank.id)).toBeNull();
  });

  it("cancelled within 100 ms of creation: cancelled, and no CV", async () => {
    const task = await importPdf(engine, userId, await cvPdf(ada));
    await sleep(20);
    const cancelled = await engine.store.cancel(userId, task.id, "device-b");
    expect(cancelled.status).toBe("cancelled");
    await engine.runnerIdle(); // the work has stopped and its bookkeeping is done
    expect((await engine.store.get(userId, task.id))!.status).toBe("cancelled");
    expect(await cvsOfTask(engine, task.id)).toEqual([]);
  });

  it("cancelled during extraction: the pdf.js process is killed at once and no CV is written", async () => {
    const task = await importPdf(engine, userId, await longPdf(20));
    const child = await waitFor(() => [...(engine.registry.get(task.id)?.children ?? [])][0], 10_000, "the pdf.js process");
    await untilTask(engine, userId, task.id, (t) => t.stage === "extracting");
    const exited = new Promise<number>((r) => child.once("exit", () => r(Date.now())));
    const t0 = Date.now();
    const cancelled = await engine.store.cancel(userId, task.id, "device-b");
    expect(cancelled.status).toBe("cancelled");
    expect(Date.now() - t0).toBeLessThan(200);
    expect((await exited) - t0).toBeLessThan(200);
    await engine.runnerIdle();
    expect((await engine.store.get(userId, task.id))!.status).toBe("cancelled");
    expect(await cvsOfTask(engine, task.id)).toEqual([]);
  });
});

describe("generate-cv, offline", () => {
  let engine: Engine;
  let userId: string;
  let baseId: string;
  beforeAll(async () => {
    engine = await createEngine({ types: "app" });
    userId = await engine.addUser();
    baseId = await insertCv(engine.database.db, { userId, title: "Adaline", source: "imported", content: ada });
    await engine.runner().start();
  });
  afterAll(() => engine.close());

  it("writes one tailored CV with a computed match report, linked to its base, inventing nothing", async () => {
    const task = await generate(engine, userId, baseId);
    const done = await untilTask(engine, userId, task.id, finished);
    expect(done.status).toBe("completed");
    const made = await getCv(engine.database.db, userId, (done.result as { cvId: string }).cvId);
    expect(made).toMatchObject({ source: "generated", baseCvId: baseId, jobOffer: OFFER });
    expect(made.matchScore).toBe(made.matchReport!.score);
    expect(made.matchReport!.matched.map((m) => m.requirement)).toEqual(expect.arrayContaining(["Go", "Kubernetes", "Terraform", "PostgreSQL", "Kafka"]));
    // Nothing invented: the same experiences, highlights and skills, only selected and reordered.
    const key = (c: CvContent) => c.work.map((w) => `${w.name}|${w.position}|${w.startDate}|${w.endDate}`).sort();
    expect(key(made.content)).toEqual(key(ada));
    const allHighlights = new Set(ada.work.flatMap((w) => w.highlights ?? []));
    for (const h of made.content.work.flatMap((w) => w.highlights ?? [])) expect(allHighlights.has(h)).toBe(true);
    expect(made.content.skills.flatMap((s) => s.keywords ?? []).sort()).toEqual(ada.skills.flatMap((s) => s.keywords ?? []).sort());
    expect(made.content.basics.label).toContain("Go");
    expect(made.content.basics.summary).toMatch(/Senior Backend Engineer/);
    expect(made.engine).toEqual({ kind: "offline" }); // no model configured: no fallback to report
    expect(done.result).toEqual(expect.objectContaining({ engine: "offline" }));
    expect(done.result).not.toHaveProperty("fallbackCode");
  });

  it("fails clearly when the base CV was deleted meanwhile", async () => {
    const doomed = await insertCv(engine.database.db, { userId, title: "Old", source: "imported", content: bruno });
    await engine.database.db.delete(cvTable).where(eq(cvTable.id, doomed));
    const task = await generate(engine, userId, doomed);
    const done = await untilTask(engine, userId, task.id, finished);
    expect(done.error).toEqual({ code: "base_cv_missing", message: expect.stringMatching(/no longer exists/) });
  });

  it("cancelled within 100 ms of creation: cancelled, and no CV", async () => {
    const task = await generate(engine, userId, baseId);
    await engine.store.cancel(userId, task.id, "device-b");
    await engine.runnerIdle();
    expect((await engine.store.get(userId, task.id))!.status).toBe("cancelled");
    expect(await cvsOfTask(engine, task.id)).toEqual([]);
  });
});

describe("with an OpenAI-compatible LLM", () => {
  let fake: FakeLlm;
  let engine: Engine;
  let userId: string;
  let baseId: string;
  beforeAll(async () => {
    fake = await startFakeLlm();
    engine = await createEngine({ types: "app", llm: { baseUrl: fake.url, apiKey: "test-key", model: "test-model", timeoutMs: 30_000 } });
    userId = await engine.addUser();
    baseId = await insertCv(engine.database.db, { userId, title: "Adaline", source: "imported", content: ada });
    await engine.runner({ concurrency: 3, perUserConcurrency: 3 }).start();
  });
  afterEach(() => {
    fake.delayMs = 0;
    fake.chunkChars = 16;
    fake.chunkDelayMs = 0;
    fake.onChunk = undefined;
    fake.dropNext = 0;
    fake.reply = () => "{}";
  });
  afterAll(async () => {
    await engine.close();
    await fake.close();
  });

  it("imports with the model's structured answer, sent the text in reading order", async () => {
    fake.reply = () => JSON.stringify({ basics: { name: "Adaline Verhoeven", email: "adaline.verhoeven@example.org" }, work: [{ name: "Tulip Freight Systems", position: "Senior Backend Engineer", startDate: "2020-03" }] });
    const task = await importPdf(engine, userId, await cvPdf(ada, "two-column"));
    const done = await untilTask(engine, userId, task.id, finished);
    expect(done.status).toBe("completed");
    expect(done.result).toMatchObject({ engine: "llm" });
    const request = fake.requests.at(-1)!;
    expect(request.body.model).toBe("test-model");
    const text = request.body.messages.find((m) => m.role === "user")!.content;
    expect(text.indexOf("Adaline Verhoeven")).toBeLessThan(text.indexOf("Experience"));
    const made = await getCv(engine.database.db, userId, (done.result as { cvId: string }).cvId);
    expect(made.content.work[0]).toMatchObject({ name: "Tulip Freight Systems", position: "Senior Backend Engineer" });
  });

  it("repairs almost-JSON and retries an invalid answer, at most twice", async () => {
    let calls = 0;
    // First an answer of the wrong shape, then almost-JSON (prose, a fence, a trailing comma) that repair fixes.
    fake.reply = () => (calls++ === 0 ? "Sure! ```json\n{\"basics\": {\"name\": 42}}\n```" : "Here: ```json\n{\"basics\": {\"name\": \"Adaline Verhoeven\"},}\n```");
    const before = fake.requests.length;
    const task = await importPdf(engine, userId, await cvPdf(ada));
    const done = await untilTask(engine, userId, task.id, finished);
    expect(done.result).toMatchObject({ engine: "llm" });
    expect(fake.requests.length - before).toBe(2); // one invalid answer, one repaired valid answer

    fake.reply = () => "never JSON";
    const again = await importPdf(engine, userId, await cvPdf(ada));
    const fallback = await untilTask(engine, userId, again.id, finished);
    expect(fake.requests.filter((r) => r.receivedAt >= fallback.startedAt!).length).toBe(3);
    expect(fallback.status).toBe("completed");
    expect(fallback.result).toMatchObject({ engine: "offline", fallbackReason: expect.stringMatching(/no valid answer after 3 tries/) });
  });

  it("falls back to the offline parser when the model is unreachable", async () => {
    const offline = await createEngine({ types: "app", llm: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "k", model: "m", timeoutMs: 5000 } });
    try {
      const user = await offline.addUser();
      await offline.runner().start();
      const task = await importPdf(offline, user, await cvPdf(bruno));
      const done = await untilTask(offline, user, task.id, finished);
      expect(done.status).toBe("completed");
      expect(done.result).toMatchObject({ engine: "offline", fallbackReason: expect.stringMatching(/could not be reached/) });
      const made = await getCv(offline.database.db, user, (done.result as { cvId: string }).cvId);
      expect(made.content.basics.name).toBe("Bruno Castellane");
    } finally {
      await offline.close();
    }
  });

  it("generate-cv: progress rises while the model's answer streams in, and the CV and the task name the model", async () => {
    const reply = JSON.stringify({
      label: "Senior Backend Engineer · Go, Kubernetes",
      summary: "Senior Backend Engineer running Go services on Kubernetes and PostgreSQL, with Kafka event pipelines.",
      work: [{ index: 0, highlights: ada.work[0]!.highlights!.map((h) => h) }],
    });
    fake.reply = () => reply;
    fake.chunkChars = 8;
    fake.chunkDelayMs = 1600 / Math.ceil(reply.length / 8); // about 1.6 s of streaming: progress writes are coalesced to one a second
    const seen: { progress: number; stage: string | null; sentChars: number }[] = [];
    let sentChars = 0;
    fake.onChunk = (_req, sent) => (sentChars = sent);
    const task = await generate(engine, userId, baseId);
    const off = engine.bus.onChange(async (e) => {
      if (e.taskId !== task.id) return;
      const t = await engine.store.get(userId, task.id);
      if (t) seen.push({ progress: t.progress, stage: t.stage, sentChars });
    });
    const done = await untilTask(engine, userId, task.id, finished);
    off();
    expect(done.status).toBe("completed");
    // Seen mid-stream: a "writing" progress above the start of the call and below its end, while part of the answer was still unsent.
    const during = seen.filter((s) => s.stage === "writing" && s.progress > 40 && s.progress < 88 && s.sentChars > 0 && s.sentChars < reply.length);
    expect(during.length, JSON.stringify(seen)).toBeGreaterThanOrEqual(1);
    const progress = seen.map((s) => s.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(fake.requests.at(-1)!.body).toMatchObject({ stream: true });
    expect(done.result).toMatchObject({ engine: "llm", model: "test-model" });
    const made = await getCv(engine.database.db, userId, (done.result as { cvId: string }).cvId);
    expect(made.engine).toEqual({ kind: "llm", model: "test-model" });
  });

  it("generate-cv: a connection the model's server closes before answering is tried once more, on a fresh one", async () => {
    fake.reply = () => JSON.stringify({ label: "Senior Backend Engineer · Go", summary: "Senior Backend Engineer running Go services.", work: [] });
    fake.dropNext = 1;
    const before = fake.requests.length;
    const task = await generate(engine, userId, baseId);
    const done = await untilTask(engine, userId, task.id, finished);
    expect(done.result).toMatchObject({ engine: "llm" });
    expect(fake.dropNext).toBe(0);
    expect(fake.requests.length - before).toBe(1); // the dropped one was never read; the second was answered
  });

  it("generate-cv: a rewrite that adds an employer is rejected, the offline result kept, and the reason recorded", async () => {
    fake.reply = () =>
      JSON.stringify({
        label: "Senior Backend Engineer · Go, Kubernetes",
        summary: "Senior Backend Engineer, formerly at Stripe, running Go services on Kubernetes.",
        work: [{ index: 0, highlights: ["Designed an event-sourced shipment tracker in Go"] }],
      });
    const task = await generate(engine, userId, baseId);
    const done = await untilTask(engine, userId, task.id, finished);
    expect(done.status).toBe("completed");
    expect(done.result).toMatchObject({ engine: "offline", model: "test-model", fallbackCode: "llm_rewrite_rejected", fallbackReason: expect.stringMatching(/rejected.*“Stripe”/) });
    const made = await getCv(engine.database.db, userId, (done.result as { cvId: string }).cvId);
    expect(made.engine).toMatchObject({ kind: "offline", model: "test-model", fallback: { code: "llm_rewrite_rejected", reason: expect.stringMatching(/Stripe/) } });
    expect(JSON.stringify(made.content)).not.toContain("Stripe");
    // The offline result: the real current title, and the base CV's own highlights.
    expect(made.content.basics.summary).toMatch(/^Senior Backend Engineer with \d+ years of experience/);
    expect(made.content.work[0]!.highlights).toEqual(expect.arrayContaining(ada.work[0]!.highlights!));
  });

  it("generate-cv: a rewrite that claims the offer's own employer or a new number is rejected too", async () => {
    for (const [summary, why] of [
      ["Senior Backend Engineer who already shipped Go services for Dykstra Logistics.", /Dykstra|employer/],
      ["Senior Backend Engineer who moved 75 services to Kubernetes.", /numbers.*“75”/],
    ] as const) {
      fake.reply = () => JSON.stringify({ label: "Senior Backend Engineer", summary, work: [] });
      const task = await generate(engine, userId, baseId);
      const done = await untilTask(engine, userId, task.id, finished);
      expect(done.result).toMatchObject({ engine: "offline", fallbackReason: expect.stringMatching(why) });
    }
  });

  for (const job of ["import-pdf", "generate-cv"] as const) {
    it(`${job}: a cancel during the LLM call closes its socket at once, and the late answer writes nothing`, async () => {
      fake.delayMs = 1500;
      fake.reply = () => (job === "import-pdf" ? JSON.stringify({ basics: { name: "Late" } }) : JSON.stringify({ label: "Late", summary: "Late", work: [] }));
      const arrived = fake.nextRequest();
      const task = job === "import-pdf" ? await importPdf(engine, userId, await cvPdf(ada)) : await generate(engine, userId, baseId);
      const request = await arrived;
      const t0 = Date.now();
      const cancelled = await engine.store.cancel(userId, task.id, "device-b");
      expect(cancelled.status).toBe("cancelled");
      await waitFor(() => request.closedAt, 2000, "the socket to close");
      expect(request.closedAt! - t0).toBeLessThan(200);
      // Past the moment the server would have answered: still cancelled, no CV.
      await sleep(1700);
      await engine.runnerIdle();
      expect(request.answeredAt).toBeNull();
      expect((await engine.store.get(userId, task.id))!.status).toBe("cancelled");
      expect(await cvsOfTask(engine, task.id)).toEqual([]);
    });

    it(`${job}: without a cancel, completes with its CV through the model`, async () => {
      fake.delayMs = 100;
      fake.reply = () =>
        job === "import-pdf"
          ? JSON.stringify({ basics: { name: "Adaline Verhoeven" } })
          : JSON.stringify({ label: "Platform engineer · Go, Kubernetes", summary: "Go and Kubernetes in production.", work: [{ index: 0, highlights: ["Shipped Go services on Kubernetes", "Extra line a", "Extra line b", "Extra line c", "Extra line d"] }, { index: 7, highlights: ["Invented job"] }] });
      const task = job === "import-pdf" ? await importPdf(engine, userId, await cvPdf(ada)) : await generate(engine, userId, baseId);
      const done = await untilTask(engine, userId, task.id, finished);
      expect(done.status).toBe("completed");
      expect(done.result).toMatchObject({ engine: "llm" });
      const made = await getCv(engine.database.db, userId, (done.result as { cvId: string }).cvId);
      if (job === "generate-cv") {
        expect(made.content.basics.label).toBe("Platform engineer · Go, Kubernetes");
        // The model rephrases existing entries only: no extra entry, no more highlights than before.
        expect(made.content.work).toHaveLength(ada.work.length);
        expect(made.content.work[0]!.highlights).toHaveLength(ada.work.find((w) => w.name === made.content.work[0]!.name)!.highlights!.length);
        expect(JSON.stringify(made.content)).not.toContain("Invented job");
        expect(made.matchReport!.score).toBeGreaterThan(0); // computed, not taken from the model
      }
    });
  }
});
