/**
 * Every fault of the fault suite, one after another, under load, on a private PostgreSQL cluster that this
 * bench creates (initdb in a temporary directory, its own port; never the shared server): 30 users and a
 * few hundred tasks on two web instances and three workers with the production lease (30 s) and a grace
 * of 10 s, while three devices poll `GET /sync?since=` and merge with the client's own applySync.
 *   npm run bench:faults [-- --no-build]
 *
 * Figures:
 *  lost_tasks             acknowledged tasks missing, or ended other than completed (none was cancelled)
 *  stuck_tasks            tasks still queued or running at the end
 *  duplicate_completions  tasks written completed more than once (a trigger logs each write)
 *  cursor_ghosts          tasks on which a polling device and the server disagree at the end (three users,
 *                         each with three concurrent writers creating, cancelling, deleting and purging
 *                         under a history cap of 30)
 *  kill9_recovery_s       kill -9 of a worker to every task it ran running again elsewhere (or done)
 *  pg_restart_recovery_s  PostgreSQL down for 3 s under load: from accepting connections again to every
 *                         worker having claimed queued tasks again and every slot of the cluster running
 *                         live work (a running row counts only while its lease is renewed)
 *  sigterm_requeue_ms     SIGTERM of a busy worker (one of its tasks cancelled during the grace) to every
 *                         other unfinished task of it back in the queue
 */
import { applySync, type LocalTask } from "../src/client/task-sync/merge";
import type { TaskSyncResponse } from "../src/shared/tasks";
import { buildApp } from "../scripts/lib/app-server";
import { Scenario, SYNC, waitFor, type LoadUser } from "../scripts/lib/fault-harness";
import { startPgCluster } from "../scripts/lib/pg-cluster";
import { startFakeLlm } from "../tests/helpers/fake-llm";
import { printResult, round } from "./lib/stats";

const LEASE_MS = 30_000;
const HEARTBEAT_MS = 5000;
const GRACE_MS = 10_000;
const WORKERS = 3;
const CONCURRENCY = 3;
const PER_USER = 2;
const USERS = 30;

if (!process.argv.includes("--no-build")) {
  console.log("building…");
  buildApp();
}
const cluster = await startPgCluster();
const llm = await startFakeLlm({
  delayMs: 700,
  reply: () => JSON.stringify({ label: "Platform Engineer", summary: "Backend engineer: TypeScript and PostgreSQL.", work: [] }),
});
const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 23)}] ${m}`);
let s: Scenario | null = null;
const figures: Record<string, number> = {};

/** A device of a churning user: polls with its cursor and merges like the browser does. */
class Device {
  tasks = new Map<string, LocalTask>();
  cursor: string | null = null;
  stopped = false;
  constructor(readonly user: LoadUser) {}
  async poll() {
    const res = await this.user.client.get<TaskSyncResponse>(this.cursor === null ? SYNC : `${SYNC}?since=${this.cursor}`);
    if (res.status !== 200) return; // the server may be down for a moment: the next poll catches up
    this.tasks = applySync(this.tasks, res.body);
    this.cursor = res.body.cursor;
  }
  async run() {
    while (!this.stopped) {
      await this.poll().catch(() => {});
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Creates, cancels, deletes and purges, under a small history cap: the device must follow all of it. */
async function churn(user: LoadUser, until: () => boolean) {
  const mine: string[] = [];
  for (let i = 0; !until(); i++) {
    try {
      const res = await user.client.post<{ task: { id: string } }>(SYNC, { type: "noop", payload: { durationMs: 300 + (i % 4) * 200, steps: 2 } });
      if (res.status === 202) mine.push(res.body.task.id);
      if (i % 3 === 1 && mine.length) await user.client.delete(`${SYNC}?taskId=${mine[mine.length - 1]}&action=cancel`);
      if (i % 5 === 2 && mine.length > 2) await user.client.delete(`${SYNC}?taskId=${mine.splice(0, 1)[0]}`);
      if (i % 11 === 10) await user.client.delete(`${SYNC}?action=purge`, {});
    } catch {
      // the server may be restarting
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

try {
  s = await Scenario.start(cluster, {
    name: "bench",
    webs: 2,
    workers: WORKERS,
    perUserLimit: PER_USER,
    env: {
      TASK_LEASE_MS: String(LEASE_MS),
      TASK_HEARTBEAT_MS: String(HEARTBEAT_MS),
      TASK_SHUTDOWN_GRACE_MS: String(GRACE_MS),
      TASK_CONCURRENCY: String(CONCURRENCY),
      TASK_PER_USER_CONCURRENCY: String(PER_USER),
      TASK_HISTORY_LIMIT: "30",
      AUTH_RATE_LIMIT: "false",
    },
    workerEnv: { LLM_BASE_URL: llm.url, LLM_API_KEY: "bench", LLM_MODEL: "fake", LLM_TIMEOUT_MS: "10000" },
  });
  const scenario = s;
  const users = await scenario.addUsers(USERS);
  const churners = await scenario.addUsers(3);
  // Tasks of the load users are counted; the churning users' own tasks are only compared device vs server.
  const devices = churners.map((u) => new Device(u));
  let churning = true;
  // Three writers per churning user at once (the versions of one user then commit concurrently).
  const background = [...devices.map((d) => d.run()), ...churners.flatMap((u) => [0, 1, 2].map(() => churn(u, () => !churning)))];
  const batch = async (perUser: number, durationMs: () => number) => {
    const ids: string[] = [];
    await Promise.all(
      users.map(async (u, i) => {
        for (let k = 0; k < perUser; k++) ids.push((k + i) % 4 === 3 ? await scenario.generate(u) : await scenario.noop(u, durationMs()));
      }),
    );
    return ids;
  };
  const rand = (a: number, b: number) => () => a + Math.floor(Math.random() * (b - a));
  const capacity = WORKERS * CONCURRENCY;
  const runningCount = async () => (await scenario.rows()).filter((r) => r.status === "running").length;

  log(`load: ${USERS} users`);
  await batch(4, rand(1000, 3000));
  await waitFor(async () => (await runningCount()) >= capacity, 60_000, "every slot busy");

  log("fault: every connection of the application killed");
  await scenario.admin.query("select pg_terminate_backend(pid) from pg_stat_activity where usename = 'cv_tasks'");
  await batch(2, rand(1000, 3000));

  log("fault: PostgreSQL down for 3 s (stop -m fast, start)");
  await waitFor(async () => (await runningCount()) >= capacity, 60_000, "every slot busy before the restart");
  await cluster.restart(3000);
  const backAt = Date.now();
  // Recovered when every worker has claimed again since, and every slot runs live work: a running row
  // counts only while its lease is renewed (the work of a row stuck behind a failed write is gone).
  const renewedSince = LEASE_MS - 2 * HEARTBEAT_MS - 1000;
  const alive = scenario.workers.filter((w) => w.alive()).map((w) => w.ownerId()!);
  await waitFor(async () => {
    const [{ live, left }] = (await scenario.admin.query<{ live: number; left: number }>(
      `select count(*) filter (where status = 'running' and lease_expires_at > (extract(epoch from clock_timestamp()) * 1000)::bigint + $1)::int as live,
              count(*) filter (where status in ('queued', 'running'))::int as left
         from background_task`,
      [renewedSince],
    )) as [{ live: number; left: number }];
    const claimed = await scenario.admin.query<{ owner: string }>("select distinct owner from fault_claim_log where at >= to_timestamp($1 / 1000.0)", [backAt]);
    const resumed = alive.every((o) => claimed.some((c) => c.owner === o));
    return resumed && live >= Math.min(capacity, left) ? true : null;
  }, 180_000, "every worker claiming again and every slot busy with live work", 50);
  figures.pg_restart_recovery_s = round((Date.now() - backAt) / 1000, 1);
  log(`  busy again after ${figures.pg_restart_recovery_s} s`);

  log("fault: kill -9 of a worker mid-task");
  await batch(2, rand(4000, 8000));
  const victim = scenario.workers[0]!;
  const victimOwner = victim.ownerId()!;
  const taken = await scenario.untilRunningOn(victimOwner);
  victim.process.kill("SIGKILL");
  const killedAt = Date.now();
  await victim.exited;
  await scenario.addWorker(); // the operator's supervisor restarts it; the tasks are not waiting for that
  await waitFor(async () => {
    const rows = await scenario.rows(taken);
    return rows.every((r) => r.status !== "running" || r.lease_owner !== victimOwner) &&
      rows.every((r) => r.status !== "queued")
      ? true
      : null;
  }, 120_000, "the killed worker's tasks running again", 100);
  figures.kill9_recovery_s = round((Date.now() - killedAt) / 1000, 1);
  log(`  ${taken.length} tasks running again after ${figures.kill9_recovery_s} s`);

  log("fault: a worker frozen (SIGSTOP) past its lease, then resumed");
  await batch(2, rand(2000, 5000));
  const frozen = scenario.workers[1]!;
  const frozenOwner = frozen.ownerId()!;
  const held = await scenario.untilRunningOn(frozenOwner);
  frozen.process.kill("SIGSTOP");
  await waitFor(async () => ((await scenario.rows(held)).every((r) => r.lease_owner !== frozenOwner) ? true : null), LEASE_MS + 60_000, "its tasks taken over");
  frozen.process.kill("SIGCONT");

  log("fault: SIGTERM of a worker, and a cancel during its grace");
  const long = new Set(await Promise.all(users.map((u) => scenario.noop(u, 20_000))));
  const leaving = scenario.workers[2]!;
  const leavingOwner = leaving.ownerId()!;
  // Two of the long tasks (longer than the grace) on it: one cancelled, the other handed back.
  const its = await waitFor(async () => {
    const ids = (await scenario.runningOn(leavingOwner)).filter((id) => long.has(id));
    return ids.length >= 2 ? ids : null;
  }, 60_000, "two long tasks on the worker to stop");
  leaving.process.kill("SIGTERM");
  const termAt = Date.now();
  const cancelled = its[0]!;
  const owner = users.find((u) => u.userId === scenario.tasks.get(cancelled)!.userId)!;
  await scenario.cancel(owner, cancelled);
  const rest = its.slice(1);
  await waitFor(async () => ((await scenario.rows(rest)).every((r) => r.lease_owner !== leavingOwner) ? true : null), GRACE_MS + 60_000, "its other tasks handed back", 20);
  figures.sigterm_requeue_ms = Date.now() - termAt;
  log(`  handed back after ${figures.sigterm_requeue_ms} ms (grace ${GRACE_MS} ms)`);
  // The watchdog of a worker ends a shutdown that hangs; the bench does not wait for ever either.
  const exit = await Promise.race([leaving.exited, new Promise<null>((r) => setTimeout(() => r(null), GRACE_MS + 30_000))]);
  figures.worker_exit_code = exit ? (exit.code ?? -1) : -1;
  if (!exit) {
    log("  the worker did not exit after its grace: killed");
    leaving.process.kill("SIGKILL");
    await leaving.exited;
  } else log(`  the worker exited with ${exit.code ?? exit.signal}${exit.code ? `: ${leaving.output().split("\n").slice(-3).join(" | ")}` : ""}`);
  await scenario.addWorker();

  log("fault: the next five terminal writes refused (40001)");
  await scenario.admin.query(`
    create sequence fault_terminal_seq;
    create function fault_fail_terminal() returns trigger language plpgsql security definer as $$
    begin if nextval('fault_terminal_seq') <= 5 then raise exception 'injected' using errcode = '40001'; end if; return new; end $$;
    create trigger fault_fail_terminal before update on background_task for each row
      when (new.status = 'completed' and old.status = 'running') execute function fault_fail_terminal();
  `);
  await batch(1, rand(500, 1500));

  log("waiting for every task to end");
  churning = false;
  // A task that never ends is a figure (stuck_tasks), not a reason to print nothing.
  await scenario.settle(180_000).catch((err: Error) => log(err.message));
  for (const d of devices) d.stopped = true;
  await Promise.all(background);
  let ghosts = 0;
  for (const d of devices) {
    await d.poll();
    const server = (await d.user.client.get<TaskSyncResponse>(SYNC)).body.tasks;
    const serverIds = new Map(server.map((t) => [t.id, t]));
    for (const [id, t] of d.tasks) if (!serverIds.has(id) || serverIds.get(id)!.version !== t.version) ghosts++;
    for (const id of serverIds.keys()) if (!d.tasks.has(id)) ghosts++;
  }
  const o = await scenario.outcome();
  log(`${o.created} tasks; not completed: ${JSON.stringify(o.notCompleted.slice(0, 5).map((t) => ({ ...t, error: t.error?.slice(0, 100) ?? null })))}; max live leases per user ${o.maxLiveLeasesPerUser}, running rows per user ${o.maxRunningPerUser}`);
  printResult({
    lost_tasks: o.lost.length + o.notCompleted.length,
    stuck_tasks: o.stuck.length,
    duplicate_completions: o.duplicateCompletions.length,
    cursor_ghosts: ghosts,
    kill9_recovery_s: figures.kill9_recovery_s!,
    pg_restart_recovery_s: figures.pg_restart_recovery_s!,
    sigterm_requeue_ms: figures.sigterm_requeue_ms!,
    tasks: o.created,
    duplicate_cv_rows: o.duplicateCvRows.length,
    max_live_leases_per_user: o.maxLiveLeasesPerUser,
    sigterm_worker_exit_code: figures.worker_exit_code!,
  });
} catch (err) {
  console.error(err);
  if (s) console.error(s.logs());
  process.exitCode = 1;
} finally {
  await s?.close();
  await llm.close();
  cluster.stop();
}
