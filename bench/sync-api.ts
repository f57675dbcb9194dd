/**
 * Sync API figures on the embedded database: idle delta poll and full list (req/s, p50/p99, bytes), and
 * task throughput from creation to `completed`. Side by side with the idle poll, the floor: a bare
 * `node:http` server (its own process, as the app's) answering the same idle-poll body to the same client
 * at the same concurrency, in alternating rounds so that both see the same machine load:
 *   bare_rps, idle_poll_ratio = idle_poll_rps / bare_rps.      npm run bench:sync [-- --no-build]
 */
import { spawn } from "node:child_process";
import os from "node:os";
import type { TaskResponse, TaskSyncResponse, TasksResponse } from "../src/shared/tasks";
import { ApiClient } from "../scripts/lib/api-client";
import { buildApp, freePort, startAppServer } from "../scripts/lib/app-server";
import { load, printResult, round } from "./lib/stats";

const SYNC = "/api/background-tasks/sync";
const REQUESTS = 2000;
const CONCURRENCY = 8;
const ROUNDS = 3;

/** The floor: node:http answering a fixed body, in a process of its own. */
async function startBareServer(body: string) {
  const port = await freePort();
  const code = `require("node:http").createServer((req, res) => { res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(${JSON.stringify(body)}) }); res.end(${JSON.stringify(body)}); }).listen(${port}, "127.0.0.1", () => console.log("ready"));`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill("SIGTERM") };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

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

  const idleAnswer = await client.get(`${SYNC}?since=${cursor}`);
  const idleBytes = idleAnswer.bytes;
  const bare = await startBareServer(idleAnswer.raw.toString("utf8"));
  const bareClient = new ApiClient(bare.url, client.cookieHeader, client.deviceId);
  const idleRounds: Awaited<ReturnType<typeof load>>[] = [];
  const bareRounds: Awaited<ReturnType<typeof load>>[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      idleRounds.push(await load(() => client.get(`${SYNC}?since=${cursor}`), REQUESTS, CONCURRENCY));
      bareRounds.push(await load(() => bareClient.get(`${SYNC}?since=${cursor}`), REQUESTS, CONCURRENCY));
    }
  } finally {
    bare.stop();
  }
  const idle = { rps: median(idleRounds.map((r) => r.rps)), p50Ms: median(idleRounds.map((r) => r.p50Ms)), p99Ms: median(idleRounds.map((r) => r.p99Ms)) };
  const bareRps = median(bareRounds.map((r) => r.rps));
  console.log(`idle delta poll: ${idleBytes} B, ${round(idle.rps, 0)} req/s, p50 ${round(idle.p50Ms)} ms, p99 ${round(idle.p99Ms)} ms (median of ${ROUNDS} rounds: ${idleRounds.map((r) => round(r.rps, 0)).join(", ")})`);
  console.log(`bare node:http, same body: ${round(bareRps, 0)} req/s, p99 ${round(median(bareRounds.map((r) => r.p99Ms)))} ms (rounds: ${bareRounds.map((r) => round(r.rps, 0)).join(", ")}); ratio ${round(idle.rps / bareRps)}`);
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);

  const fullList = await load(() => client.get(SYNC), REQUESTS / 2, CONCURRENCY);
  const wire = await fetch(`${server.url}${SYNC}`, { headers: { cookie: client.cookieHeader, "accept-encoding": "gzip, deflate, br" } });
  const wireBytes = Number(wire.headers.get("content-length") ?? (await wire.arrayBuffer()).byteLength);
  console.log(`full list (100 tasks): ${full.bytes} B (${wireBytes} B on the wire, ${wire.headers.get("content-encoding") ?? "identity"}), ${round(fullList.rps, 0)} req/s, p50 ${round(fullList.p50Ms)} ms, p99 ${round(fullList.p99Ms)} ms`);

  // Throughput: 10 users × 20 no-op tasks, each user's created in one request at once, until every one is completed.
  const users = await Promise.all(Array.from({ length: 10 }, () => ApiClient.signUp(server.url)));
  const t0 = Date.now();
  const batches = await Promise.all(users.map((u) => u.post<TasksResponse>(SYNC, { tasks: Array.from({ length: 20 }, () => ({ type: "noop" })) })));
  if (batches.some((r) => r.status !== 202)) throw new Error("creating tasks failed");
  const created = batches.flatMap((r) => r.body.tasks);
  const createdIn = Date.now() - t0;
  const finishedAt = Math.max(...(await Promise.all(users.map(waitAllFinished))));
  const throughput = created.length / ((finishedAt - t0) / 1000);
  // Where the time went: the creations through HTTP, and the runs (first start to last finish).
  const all = (await Promise.all(users.map((u) => u.get<TaskSyncResponse>(SYNC)))).flatMap((r) => r.body.tasks);
  const runMs = Math.max(...all.map((t) => t.finishedAt ?? 0)) - Math.min(...all.map((t) => t.startedAt ?? Infinity));
  console.log(`throughput: ${created.length} no-op tasks in ${finishedAt - t0} ms = ${round(throughput, 1)} tasks/s (TASK_CONCURRENCY=3); all created in ${createdIn} ms, run from first start to last finish in ${runMs} ms (${round(created.length / (runMs / 1000), 1)} runs/s)`);

  printResult({
    idle_poll_bytes: idleBytes,
    idle_poll_rps: idle.rps,
    idle_poll_p99_ms: idle.p99Ms,
    bare_rps: bareRps,
    idle_poll_ratio: idle.rps / bareRps,
    full_list_bytes: full.bytes,
    full_list_wire_bytes: wireBytes,
    full_list_rps: fullList.rps,
    full_list_p99_ms: fullList.p99Ms,
    throughput_tasks_s: throughput,
  });
} finally {
  await server.stop();
}

/**
 * Waits until none of the user's tasks is active; returns the latest finishedAt (the server's clock, so how
 * often this looks does not change the figure). Every 250 ms: already 12× a device's pace, and full lists
 * every 50 ms from 10 users took the embedded database's one thread from the runner it measures.
 */
async function waitAllFinished(client: ApiClient): Promise<number> {
  for (;;) {
    const { body } = await client.get<TaskSyncResponse>(SYNC);
    if (body.tasks.every((t) => t.status === "completed" || t.status === "failed" || t.status === "cancelled")) {
      return Math.max(...body.tasks.map((t) => t.finishedAt ?? 0));
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
