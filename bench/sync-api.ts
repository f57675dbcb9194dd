/**
 * Sync API figures on the embedded database: idle delta poll and full list (req/s, p50/p99, bytes), and
 * task throughput from creation to `completed`.   npm run bench:sync [-- --no-build]
 */
import type { TaskResponse, TaskSyncResponse } from "../src/shared/tasks";
import { ApiClient } from "../scripts/lib/api-client";
import { buildApp, startAppServer } from "../scripts/lib/app-server";
import { load, printResult, round } from "./lib/stats";

const SYNC = "/api/background-tasks/sync";
const REQUESTS = 2000;
const CONCURRENCY = 8;

if (!process.argv.includes("--no-build")) {
  console.log("building…");
  buildApp();
}
const server = await startAppServer({ ALLOW_DIAGNOSTIC_TASKS: "true" });
try {
  const client = await ApiClient.signUp(server.url);

  // 100 tasks in the list, finished (the history a real user has).
  for (let i = 0; i < 5; i++) {
    const batch = await Promise.all(Array.from({ length: 20 }, () => client.post<TaskResponse>(SYNC, { type: "noop" })));
    if (batch.some((r) => r.status !== 202)) throw new Error("creating tasks failed");
    await waitAllFinished(client);
  }
  const full = await client.get<TaskSyncResponse>(SYNC);
  if (full.body.tasks.length !== 100) throw new Error(`expected 100 tasks, got ${full.body.tasks.length}`);
  const cursor = full.body.cursor;

  const idleBytes = (await client.get(`${SYNC}?since=${cursor}`)).bytes;
  const idle = await load(() => client.get(`${SYNC}?since=${cursor}`), REQUESTS, CONCURRENCY);
  console.log(`idle delta poll: ${idleBytes} B, ${round(idle.rps, 0)} req/s, p50 ${round(idle.p50Ms)} ms, p99 ${round(idle.p99Ms)} ms`);

  const fullList = await load(() => client.get(SYNC), REQUESTS / 4, CONCURRENCY);
  console.log(`full list (100 tasks): ${full.bytes} B, ${round(fullList.rps, 0)} req/s, p50 ${round(fullList.p50Ms)} ms, p99 ${round(fullList.p99Ms)} ms`);

  // Throughput: 10 users × 20 no-op tasks, created at once, until every one is completed.
  const users = await Promise.all(Array.from({ length: 10 }, () => ApiClient.signUp(server.url)));
  const t0 = Date.now();
  const created = await Promise.all(users.flatMap((u) => Array.from({ length: 20 }, () => u.post<TaskResponse>(SYNC, { type: "noop" }))));
  if (created.some((r) => r.status !== 202)) throw new Error("creating tasks failed");
  const finishedAt = Math.max(...(await Promise.all(users.map(waitAllFinished))));
  const throughput = created.length / ((finishedAt - t0) / 1000);
  console.log(`throughput: ${created.length} no-op tasks in ${finishedAt - t0} ms = ${round(throughput, 1)} tasks/s (TASK_CONCURRENCY=3)`);

  printResult({
    idle_poll_bytes: idleBytes,
    idle_poll_rps: idle.rps,
    idle_poll_p99_ms: idle.p99Ms,
    full_list_bytes: full.bytes,
    full_list_rps: fullList.rps,
    full_list_p99_ms: fullList.p99Ms,
    throughput_tasks_s: throughput,
  });
} finally {
  await server.stop();
}

/** Waits until none of the user's tasks is active; returns the latest finishedAt. */
async function waitAllFinished(client: ApiClient): Promise<number> {
  for (;;) {
    const { body } = await client.get<TaskSyncResponse>(SYNC);
    if (body.tasks.every((t) => t.status === "completed" || t.status === "failed" || t.status === "cancelled")) {
      return Math.max(...body.tasks.map((t) => t.finishedAt ?? 0));
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
