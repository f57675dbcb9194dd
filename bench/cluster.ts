/**
 * The cluster on the local PostgreSQL: two web instances (runner off) and two workers.
 * Prints task throughput, cross-instance push and cancel latency, and the time from creation to start,
 * next to graphile-worker running the same no-op job on the same database in the same run: its
 * add_job -> start latency (start_ratio = ours / its) and its throughput for the same 400 no-op jobs added
 * at once, with two runners of concurrency 8 like our two workers (graphile_throughput_tasks_s).
 * Throughput is measured after a warm-up round of 100 tasks.
 *   npm run bench:cluster [-- --no-build]      (BENCH_DATABASE_URL, default the local test database)
 */
import os from "node:os";
import pg from "pg";
import { Logger, run, makeWorkerUtils } from "graphile-worker";
import type { TaskResponse, TasksResponse } from "../src/shared/tasks";
import { ApiClient } from "../scripts/lib/api-client";
import { buildApp, startAppServer } from "../scripts/lib/app-server";
import { startWorker } from "../scripts/lib/worker-process";
import { openEvents, until } from "../tests/helpers/sse";
import { percentile, printResult, round } from "./lib/stats";

const url = process.env.BENCH_DATABASE_URL ?? "postgres://cv_tasks:cv_tasks@127.0.0.1:5432/cv_tasks_test";
const SYNC = "/api/background-tasks/sync";
const env = { DATABASE_URL: url, AUTH_RATE_LIMIT: "false", ALLOW_DIAGNOSTIC_TASKS: "true", TASK_CONCURRENCY: "8", TASK_PER_USER_CONCURRENCY: "8", TASK_ACTIVE_LIMIT: "1000", TASK_HISTORY_LIMIT: "1000" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!process.argv.includes("--no-build")) {
  console.log("building…");
  buildApp();
}
const db = new pg.Client({ connectionString: url });
await db.connect();
const [webA, webB] = await Promise.all([startAppServer({ ...env, RUNNER_ENABLED: "false" }), startAppServer({ ...env, RUNNER_ENABLED: "false" })]);
const workers = [startWorker(env), startWorker(env)];
await Promise.all(workers.map((w) => w.ready));
const figures: Record<string, number> = {};
const graphileStarts: number[] = [];

try {
  const user = await ApiClient.signUp(webA.url);
  const onB = new ApiClient(webB.url, user.cookieHeader);

  // Creation to start, one task at a time on an idle cluster (startedAt - createdAt, both the server's clock).
  const starts: number[] = [];
  for (let i = 0; i < 50; i++) {
    const { body } = await user.post<TaskResponse>(SYNC, { type: "noop" });
    await until(async () => (await db.query("select started_at from background_task where id = $1", [body.task.id])).rows[0]?.started_at !== null, 10_000);
    const { rows } = await db.query("select started_at - created_at as ms from background_task where id = $1", [body.task.id]);
    starts.push(Number(rows[0].ms));
    await sleep(20);
  }
  figures.start_p50_ms = percentile(starts, 50);
  console.log(`ours: creation -> start p50 ${round(figures.start_p50_ms)} ms, p99 ${round(percentile(starts, 99))} ms`);

  // Throughput: 400 no-op tasks from 10 users, each user's 40 in one request (as graphile-worker's addJobs
  // below), all at once, until all are completed. A first round of 100 warms both sides up (compiled code,
  // pooled connections, prepared statements), as graphile-worker's runners are warm by the time they run.
  const users = await Promise.all(Array.from({ length: 10 }, () => ApiClient.signUp(webA.url)));
  const runRound = async (perUser: number) => {
    const t0 = Date.now();
    const created = await Promise.all(users.map((u) => u.post<TasksResponse>(SYNC, { tasks: Array.from({ length: perUser }, () => ({ type: "noop" })) })));
    const refused = created.find((r) => r.status !== 202);
    if (refused) throw new Error(`creating tasks failed: ${refused.status} ${JSON.stringify(refused.body)}\n${webA.output().slice(-1500)}`);
    const ids = created.flatMap((r) => r.body.tasks.map((t) => t.id));
    const createdIn = Date.now() - t0;
    // Waiting costs the database little (graphile-worker's side below counts in process): the users' tasks
    // still queued or running, through the two partial indexes, rather than 400 ids matched on every poll.
    const userIds = (await db.query("select distinct user_id from background_task where id = any($1)", [ids])).rows.map((r) => r.user_id as string);
    const unfinished = async () => (await db.query("select count(*)::int as n from background_task where user_id = any($1) and status in ('queued', 'running')", [userIds])).rows[0].n as number;
    await until(async () => (await unfinished()) === 0, 120_000);
    const finishedAt = Date.now();
    const { rows: completed } = await db.query("select count(*)::int as n from background_task where id = any($1) and status = 'completed'", [ids]);
    if (completed[0].n !== ids.length) throw new Error(`${ids.length - completed[0].n} of the ${ids.length} tasks did not complete`);
    return { t0, ids, createdIn, finishedAt };
  };
  await runRound(10);
  const { t0, ids, createdIn, finishedAt } = await runRound(40);
  figures.throughput_tasks_s = ids.length / ((finishedAt - t0) / 1000);
  // Where the time went: the creations through HTTP, and the runs (first start to last finish, the server's clock).
  const { rows: span } = await db.query("select min(started_at) as first, max(finished_at) as last from background_task where id = any($1)", [ids]);
  const runMs = Number(span[0].last) - Number(span[0].first);
  console.log(`throughput: ${ids.length} tasks in ${finishedAt - t0} ms = ${round(figures.throughput_tasks_s, 1)} tasks/s (2 workers x 8); all created in ${createdIn} ms, run from first start to last finish in ${runMs} ms (${round(ids.length / (runMs / 1000), 1)} runs/s)`);

  // Cross-instance push: a change committed through A, received on B's push channel.
  const pushes = await openEvents(`${webB.url}/api/background-tasks/events`, user.cookieHeader);
  await until(() => pushes.frames.some((f) => f.comment === "connected"));
  const pushLatency: number[] = [];
  for (let i = 0; i < 100; i++) {
    const { body } = await user.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 60_000 } });
    await user.delete(`${SYNC}?taskId=${body.task.id}&action=cancel`);
    await sleep(10);
  }
  await sleep(500);
  pushes.close();
  const received = pushes.frames.filter((f) => f.event === "task");
  for (const f of received) {
    const at = /"at":(\d+)/.exec(f.data ?? "")?.[1];
    const receivedAt = f.receivedAt;
    if (at && receivedAt) pushLatency.push(receivedAt - Number(at));
  }
  figures.push_p50_ms = percentile(pushLatency, 50);
  figures.push_p99_ms = percentile(pushLatency, 99);
  console.log(`push A -> B: p50 ${round(figures.push_p50_ms)} ms, p99 ${round(figures.push_p99_ms)} ms (${pushLatency.length} events)`);

  // Cross-instance cancel: cancel through B, until the worker has really stopped the work (lease released).
  const cancels: number[] = [];
  for (let i = 0; i < 30; i++) {
    const { body } = await user.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 60_000, steps: 100 } });
    await until(async () => (await db.query("select status from background_task where id = $1", [body.task.id])).rows[0]?.status === "running", 10_000);
    const c0 = Date.now();
    await onB.delete(`${SYNC}?taskId=${body.task.id}&action=cancel`);
    await until(async () => (await db.query("select lease_owner from background_task where id = $1", [body.task.id])).rows[0]?.lease_owner === null, 5000);
    cancels.push(Date.now() - c0);
  }
  figures.cancel_p50_ms = percentile(cancels, 50);
  figures.cancel_p99_ms = percentile(cancels, 99);
  console.log(`cancel via B, work stopped on a worker: p50 ${round(figures.cancel_p50_ms)} ms, p99 ${round(figures.cancel_p99_ms)} ms`);

  // graphile-worker: the same no-op job on the same database, add_job -> start, measured while our
  // (idle) cluster is still up so that both run under the same conditions.
  let resolveStart: ((at: number) => void) | null = null;
  const runner = await run({
    connectionString: url,
    concurrency: 8,
    noHandleSignals: true,
    pollInterval: 2000,
    logger: new Logger(() => () => {}),
    taskList: {
      noop: async () => {
        resolveStart?.(Date.now());
      },
    },
  });
  const utils = await makeWorkerUtils({ connectionString: url });
  await sleep(500);
  for (let i = 0; i < 50; i++) {
    const started = new Promise<number>((r) => (resolveStart = r));
    const t0 = Date.now();
    await utils.addJob("noop", {});
    graphileStarts.push((await started) - t0);
    await sleep(20);
  }
  // Its throughput: 400 jobs added at once (one add_jobs call per 40, as our 10 users' requests of 40), two
  // runners like our two workers, until every one has run.
  let ran = 0;
  let allRan!: () => void;
  const done = new Promise<void>((r) => (allRan = r));
  const startRunner = () =>
    run({
      connectionString: url,
      concurrency: 8,
      noHandleSignals: true,
      pollInterval: 2000,
      logger: new Logger(() => () => {}),
      taskList: {
        bulk: async () => {
          if (++ran === 400) allRan();
        },
      },
    });
  const second = await startRunner();
  const first = await startRunner();
  await sleep(500);
  const g0 = Date.now();
  await Promise.all(Array.from({ length: 10 }, () => utils.addJobs(Array.from({ length: 40 }, () => ({ identifier: "bulk", payload: {} })))));
  await done;
  figures.graphile_throughput_tasks_s = 400 / ((Date.now() - g0) / 1000);
  console.log(`graphile-worker throughput: 400 jobs in ${Date.now() - g0} ms = ${round(figures.graphile_throughput_tasks_s, 1)} jobs/s (2 runners x 8)`);
  await Promise.all([first.stop(), second.stop()]);
  await utils.release();
  await runner.stop();
} finally {
  await Promise.all(workers.map((w) => w.stop()));
  await webA.stop();
  await webB.stop();
}

await db.end();
figures.graphile_start_p50_ms = percentile(graphileStarts, 50);
figures.start_ratio = figures.start_p50_ms! / Math.max(figures.graphile_start_p50_ms, 0.001);
console.log(`graphile-worker: add_job -> start p50 ${round(figures.graphile_start_p50_ms)} ms, p99 ${round(percentile(graphileStarts, 99))} ms`);
console.log(`ratio (ours / graphile-worker, creation to start): ${round(figures.start_ratio)}`);
console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
printResult({
  throughput_tasks_s: figures.throughput_tasks_s!,
  graphile_throughput_tasks_s: figures.graphile_throughput_tasks_s!,
  push_p50_ms: figures.push_p50_ms!,
  push_p99_ms: figures.push_p99_ms!,
  cancel_p50_ms: figures.cancel_p50_ms!,
  cancel_p99_ms: figures.cancel_p99_ms!,
  start_p50_ms: figures.start_p50_ms!,
  graphile_start_p50_ms: figures.graphile_start_p50_ms!,
  start_ratio: figures.start_ratio!,
});
process.exit(0);
