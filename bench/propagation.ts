/**
 * Push propagation: N devices of one user hold the SSE push channel open; 200 task state changes are made
 * through the API; for every device, the time from the server's commit to the event's receipt.
 *   npm run bench:propagation [-- --no-build] [--sizes 1,100,1000] [--interval-ms 20]
 */
import fs from "node:fs";
import type { TaskResponse } from "../src/shared/tasks";
import { ApiClient } from "../scripts/lib/api-client";
import { buildApp, startAppServer } from "../scripts/lib/app-server";
import { percentile, printResult, round } from "./lib/stats";

const CHANGES = 200;
const sizesArg = process.argv.includes("--sizes") ? process.argv[process.argv.indexOf("--sizes") + 1]! : "1,100,1000";
const sizes = sizesArg.split(",").map(Number);
/** Pause between changes (0: as fast as the API answers, a burst of about 150 changes per second). */
const intervalMs = process.argv.includes("--interval-ms") ? Number(process.argv[process.argv.indexOf("--interval-ms") + 1]) : 0;

if (!process.argv.includes("--no-build")) {
  console.log("building…");
  buildApp();
}
// The N devices are one user's: lift the per-user stream cap (6) that a real account would hit.
const server = await startAppServer({ ALLOW_DIAGNOSTIC_TASKS: "true", TASK_ACTIVE_LIMIT: "10000", TASK_HISTORY_LIMIT: "10000", PUSH_MAX_STREAMS_PER_USER: String(Math.max(...sizes)) });
const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.process.pid}/status`, "utf8"))?.[1] ?? 0);

/** One device's push connection: records commit-to-receipt latency of each task event. */
async function connect(client: ApiClient, latencies: number[], ready: () => void) {
  const controller = new AbortController();
  const res = await fetch(`${server.url}/api/background-tasks/events`, {
    headers: { cookie: client.cookieHeader, accept: "text/event-stream" },
    signal: controller.signal,
  });
  if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let signalled = false;
  const done = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const now = Date.now();
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!signalled && block.includes(": connected")) {
            signalled = true;
            ready();
          }
          if (!block.includes("event: task")) continue;
          // Only the commit time is needed: no need to parse the whole task on a loaded machine.
          const at = /"at":(\d+)/.exec(block)?.[1];
          if (at) latencies.push(now - Number(at));
        }
      }
    } catch {
      // aborted
    }
  })();
  return { close: () => controller.abort(), done };
}

const figures: Record<string, number> = {};
try {
  for (const n of sizes) {
    const owner = await ApiClient.signUp(server.url);
    const idle = rssKb();
    const perDevice: number[][] = Array.from({ length: n }, () => []);
    let readyCount = 0;
    let allReady!: () => void;
    const ready = new Promise<void>((r) => (allReady = r));
    const connections = [];
    for (let i = 0; i < n; i++) {
      connections.push(
        await connect(owner, perDevice[i]!, () => {
          if (++readyCount === n) allReady();
        }),
      );
    }
    await ready;
    await new Promise((r) => setTimeout(r, 500));
    const memPerConnKb = (rssKb() - idle) / n;

    // 200 changes: create a task, cancel it (its claim by the runner may add one more).
    let changes = 0;
    while (changes < CHANGES) {
      const { body } = await owner.post<TaskResponse>("/api/background-tasks/sync", { type: "noop", payload: { durationMs: 60_000 } });
      if (intervalMs) await new Promise((r) => setTimeout(r, intervalMs));
      await owner.delete(`/api/background-tasks/sync?taskId=${body.task.id}&action=cancel`);
      if (intervalMs) await new Promise((r) => setTimeout(r, intervalMs));
      changes += 2;
    }
    await new Promise((r) => setTimeout(r, 1000));
    for (const c of connections) c.close();
    const all = perDevice.flat();
    const received = perDevice.map((l) => l.length);
    figures[`n${n}_p50_ms`] = percentile(all, 50);
    figures[`n${n}_p99_ms`] = percentile(all, 99);
    if (n === Math.max(...sizes)) figures.mem_per_conn_kb = memPerConnKb;
    console.log(
      `N=${String(n).padEnd(5)} events per device ${Math.min(...received)}-${Math.max(...received)}  p50 ${round(percentile(all, 50))} ms  p99 ${round(percentile(all, 99))} ms  max ${round(all.reduce((m, v) => Math.max(m, v), 0))} ms  memory ${round(memPerConnKb, 1)} KB/connection`,
    );
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`(the poll-only design: 1500 ms on average, up to 3000 ms)`);
  printResult(figures);
} finally {
  await server.stop();
}
