/**
 * Cancel latency, from the cancel request to the work really stopping, in each phase:
 *   queued   - the task never started: until the cancel is committed
 *   extract  - pdf.js is parsing a 20-page PDF in its child process: until the process has exited
 *   llm      - an import waits on a slow OpenAI-compatible server: until that server sees the socket close
 *   generate - a CV generation is running (rewriting through the slow model): until its handler has returned
 *   npm run bench:cancel [-- --runs 30]
 */
import { randomUUID } from "node:crypto";
import { insertCv } from "../src/server/cv/repository";
import { createEngine, sleep, untilTask, waitFor } from "../tests/helpers/engine";
import { startFakeLlm } from "../tests/helpers/fake-llm";
import { cvPdf, longPdf } from "../tests/helpers/pdfs";
import { ada } from "../tests/fixtures/people";
import { percentile, printResult, round } from "./lib/stats";

const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 30;
const fake = await startFakeLlm({ delayMs: 60_000, reply: () => "{}" });
const withLlm = await createEngine({ types: "app", llm: { baseUrl: fake.url, apiKey: "k", model: "m", timeoutMs: 120_000 }, limits: { activeLimit: 1000, historyLimit: 1000 } });
const offline = await createEngine({ types: "app", limits: { activeLimit: 1000, historyLimit: 1000 } });
const userL = await withLlm.addUser();
const userO = await offline.addUser();
await withLlm.runner({ concurrency: 4, perUserConcurrency: 4 }).start();
await offline.runner({ concurrency: 4, perUserConcurrency: 4 }).start();
const baseId = await insertCv(withLlm.database.db, { userId: userL, title: "base", source: "imported", content: ada });
const small = await cvPdf(ada);
const big = await longPdf(20);

const importTask = (engine: typeof offline, userId: string, data: Uint8Array) =>
  engine.store
    .create(userId, { id: randomUUID(), type: "import-pdf", title: "bench", payload: { fileName: "cv.pdf", sizeBytes: data.byteLength, pages: null }, inputFile: { fileName: "cv.pdf", contentType: "application/pdf", data } }, "bench")
    .then((r) => r.task.id);

const phases: Record<string, () => Promise<number>> = {
  async queued() {
    // A stopped runner keeps the task queued.
    const engine = await createEngine({ types: "app" });
    try {
      const user = await engine.addUser();
      const id = await importTask(engine, user, small);
      const t0 = performance.now();
      await engine.store.cancel(user, id, "bench");
      return performance.now() - t0;
    } finally {
      await engine.close();
    }
  },
  async extract() {
    const id = await importTask(offline, userO, big);
    const child = await waitFor(() => [...(offline.registry.get(id)?.children ?? [])][0], 10_000);
    await untilTask(offline, userO, id, (t) => t.stage === "extracting");
    await sleep(30);
    const exited = new Promise<number>((r) => child.once("exit", () => r(performance.now())));
    const t0 = performance.now();
    await offline.store.cancel(userO, id, "bench");
    return (await exited) - t0;
  },
  async llm() {
    const arrived = fake.nextRequest();
    const id = await importTask(withLlm, userL, small);
    const request = await arrived;
    // The fake server stamps the close with Date.now(): measure on that clock.
    const t0 = Date.now();
    await withLlm.store.cancel(userL, id, "bench");
    return (await waitFor(() => request.closedAt, 5000)) - t0;
  },
  async generate() {
    const arrived = fake.nextRequest();
    const { task } = await withLlm.store.create(userL, { id: randomUUID(), type: "generate-cv", title: "bench", payload: { cvId: baseId, offer: { text: "Platform engineer with Go, Kubernetes and Terraform experience, five years or more." } } }, "bench");
    await arrived;
    const t0 = performance.now();
    await withLlm.store.cancel(userL, task.id, "bench");
    await waitFor(() => !withLlm.registry.has(task.id), 5000);
    return performance.now() - t0;
  },
};

const figures: Record<string, number> = {};
for (const [phase, trial] of Object.entries(phases)) {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await trial());
  figures[`${phase}_p50_ms`] = percentile(samples, 50);
  figures[`${phase}_p99_ms`] = percentile(samples, 99);
  console.log(`${phase.padEnd(9)} p50 ${round(percentile(samples, 50))} ms  p99 ${round(percentile(samples, 99))} ms  (max ${round(Math.max(...samples))} ms, ${runs} runs)`);
}
await withLlm.close();
await offline.close();
await fake.close();
printResult(figures);
