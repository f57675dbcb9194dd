/**
 * Push propagation: N devices of one user hold the SSE push channel open; 200 task state changes are made
 * through the API (40, 100 ms apart, at N = 10,000: two million frames in a burst would only measure the
 * queue); for every device, the time from the server's commit to the event's receipt. The devices are plain
 * node:http connections (a fetch per device would cost the client more than the server). The open-file
 * limit is raised to its hard limit first (the bench re-runs itself under `ulimit -n`), for the server too.
 *   npm run bench:propagation [-- --no-build] [--sizes 1,100,1000,10000] [--interval-ms 20]
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import type { TaskResponse } from "../src/shared/tasks";
import { ApiClient } from "../scripts/lib/api-client";
import { buildApp, startAppServer } from "../scripts/lib/app-server";
import { percentile, printResult, round } from "./lib/stats";

const sizesArg = process.argv.includes("--sizes") ? process.argv[process.argv.indexOf("--sizes") + 1]! : "1,100,1000,10000";
const sizes = sizesArg.split(",").map(Number);
/** Pause between changes (0: as fast as the API answers, a burst of about 150 changes per second). */
const intervalArg = process.argv.includes("--interval-ms") ? Number(process.argv[process.argv.indexOf("--interval-ms") + 1]) : null;
const plan = (n: number) => (n >= 10_000 ? { changes: 40, intervalMs: intervalArg ?? 100 } : { changes: 200, intervalMs: intervalArg ?? 0 });

// Every device is a socket here and on the server: raise the soft open-file limit to the hard one.
const openFiles = () => /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(fs.readFileSync("/proc/self/limits", "utf8"))!;
const needed = Math.max(...sizes) + 1000; // each process (this one, the server) holds one socket per device
const [, soft, hard] = openFiles();
if (soft !== "unlimited" && Number(soft) < needed && !process.env.BENCH_FD_RAISED) {
  const res = spawnSync("sh", ["-c", `ulimit -n ${hard} && exec "$0" "$@"`, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, BENCH_FD_RAISED: "1" },
  });
  process.exit(res.status ?? 1);
}
if (soft !== "unlimited" && Number(openFiles()[1]) < needed) console.log(`note: open-file limit ${openFiles()[1]} (hard ${hard}) is below ${needed}; the largest sizes may fail`);

if (!process.argv.includes("--no-build")) {
  console.log("building…");
  buildApp();
}
// The N devices are one user's: lift the per-user stream cap (6) that a real account would hit.
const server = await startAppServer({
  ALLOW_DIAGNOSTIC_TASKS: "true",
  TASK_ACTIVE_LIMIT: "10000",
  TASK_HISTORY_LIMIT: "10000",
  PUSH_MAX_STREAMS_PER_USER: String(Math.max(...sizes)),
  PUSH_MAX_STREAMS: String(Math.max(...sizes) + 100),
});
const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.process.pid}/status`, "utf8"))?.[1] ?? 0);

/** One device's push connection: records commit-to-receipt latency of each task event. */
function connect(client: ApiClient, latencies: number[], ready: () => void): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${server.url}/api/background-tasks/events`, { agent: false, headers: { cookie: client.cookieHeader, accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events: ${res.statusCode}`));
      res.setEncoding("utf8");
      let buffer = "";
      let signalled = false;
      res.on("data", (chunk: string) => {
        const now = Date.now();
        buffer += chunk;
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
      });
      res.on("error", () => {});
      resolve({ close: () => req.destroy() });
    });
    req.on("error", reject);
  });
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
    // Opened 200 at a time.
    for (let i = 0; i < n; i += 200) {
      const batch = Array.from({ length: Math.min(200, n - i) }, (_, k) =>
        connect(owner, perDevice[i + k]!, () => {
          if (++readyCount === n) allReady();
        }),
      );
      connections.push(...(await Promise.all(batch)));
    }
    await ready;
    await new Promise((r) => setTimeout(r, 500));
    const memPerConnKb = (rssKb() - idle) / n;

    // Changes: create a task, cancel it (its claim by the runner may add one more).
    const { changes: CHANGES, intervalMs } = plan(n);
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
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  printResult(figures);
} finally {
  await server.stop();
}
