/**
 * Faults injected for real: a private PostgreSQL cluster restarted and its connections killed, workers
 * killed with SIGKILL, frozen with SIGSTOP, stopped with SIGTERM, terminal writes refused by the database,
 * and two processes on one embedded database. Each scenario runs web instances and standalone workers as
 * real processes under a load of tasks from a few users, then checks the invariants of fault-harness.ts.
 * Leases are short (3 s) so that recovery can be watched; every wait polls the database with a deadline.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { IDLE_IN_TRANSACTION_TIMEOUT_MS } from "@/server/db/client";
import type { TaskResponse } from "@/shared/tasks";
import { ApiClient } from "../../scripts/lib/api-client";
import { startAppServer, type AppServer } from "../../scripts/lib/app-server";
import { Scenario, SYNC, waitFor, type Outcome } from "../../scripts/lib/fault-harness";
import { startPgCluster, type PgCluster } from "../../scripts/lib/pg-cluster";
import type { WorkerProcess } from "../../scripts/lib/worker-process";
import { startFakeLlm, type FakeLlm } from "../helpers/fake-llm";

const PER_USER = 2;
const LEASE_MS = 3000;
const GRACE_MS = 2000;
const env = {
  TASK_LEASE_MS: String(LEASE_MS),
  TASK_HEARTBEAT_MS: "500",
  TASK_SHUTDOWN_GRACE_MS: String(GRACE_MS),
  TASK_KILL_GRACE_MS: "500",
  TASK_CONCURRENCY: "3",
  TASK_PER_USER_CONCURRENCY: String(PER_USER),
  AUTH_RATE_LIMIT: "false",
  ALLOW_DIAGNOSTIC_TASKS: "true",
};

let cluster: PgCluster;
let llm: FakeLlm;
let scenario: Scenario | null = null;
const servers: AppServer[] = [];

beforeAll(async () => {
  cluster = await startPgCluster();
  // Generations call a model that takes its time, so that they are in flight when the fault lands.
  llm = await startFakeLlm({
    delayMs: 700,
    reply: () => JSON.stringify({ label: "Platform Engineer", summary: "Backend engineer: TypeScript and PostgreSQL.", work: [] }),
  });
});

afterEach(async () => {
  await scenario?.close();
  scenario = null;
  for (const s of servers.splice(0)) await s.stop();
});

afterAll(async () => {
  await llm?.close();
  cluster?.stop();
});

async function start(name: string, opts: { workers?: number; env?: Record<string, string> } = {}) {
  scenario = await Scenario.start(cluster, {
    name,
    env: { ...env, ...opts.env },
    workers: opts.workers ?? 2,
    workerEnv: { LLM_BASE_URL: llm.url, LLM_API_KEY: "test", LLM_MODEL: "fake", LLM_TIMEOUT_MS: "10000" },
    perUserLimit: PER_USER,
  });
  return scenario;
}

/** The invariants every fault must keep. */
function expectClean(o: Outcome, s: Scenario) {
  const context = `${JSON.stringify(o, null, 1)}\n${s.logs()}`;
  expect(o.lost, context).toEqual([]);
  expect(o.stuck, context).toEqual([]);
  expect(o.notCompleted, context).toEqual([]);
  expect(o.duplicateCompletions, context).toEqual([]);
  expect(o.duplicateCvRows, context).toEqual([]);
  expect(o.missingCvRows, context).toEqual([]);
  expect(o.maxLiveLeasesPerUser, context).toBeLessThanOrEqual(PER_USER);
}

/** After the fault: everything ends, new work still runs, the given workers are alive, the invariants hold. */
async function expectRecovered(s: Scenario, what: string, alive: WorkerProcess[] = s.workers) {
  await s.settle(90_000, `every task to end after ${what}`);
  for (const u of s.users) await s.noop(u, 200);
  await s.settle(60_000, `tasks created after ${what}`);
  expect(alive.map((w) => w.alive()), s.logs()).toEqual(alive.map(() => true));
  expectClean(await s.outcome(), s);
}

/**
 * Every worker stops cleanly on SIGTERM (exit 0), which it can only do if the faults left nothing
 * behind in it: a leaked pool connection keeps the pool from closing (its watchdog then exits 1).
 */
async function expectCleanShutdown(s: Scenario) {
  const alive = s.workers.filter((w) => w.alive());
  for (const w of alive) w.process.kill("SIGTERM");
  const exits = await Promise.all(alive.map((w) => w.exited));
  expect(exits.map((e) => e.code), s.logs()).toEqual(alive.map(() => 0));
}

const running = async (s: Scenario, n: number) =>
  waitFor(async () => {
    const rows = (await s.rows()).filter((r) => r.status === "running");
    return rows.length >= n ? rows : null;
  }, 30_000, `${n} tasks running`);

const childAlive = (taskId: string) => {
  try {
    return execFileSync("pgrep", ["-f", `cv-tasks-noop-${taskId}`], { encoding: "utf8" }).trim().length > 0;
  } catch {
    return false;
  }
};

describe("faults on a private PostgreSQL cluster, with real processes", () => {
  it("PostgreSQL restarted (pg_ctl restart -m fast) while tasks run: workers survive and finish everything", async () => {
    const s = await start("restart");
    await s.addUsers(3);
    await s.load(6, 1500);
    await running(s, 3);
    await cluster.restart();
    // Work resumes without a human: what was queued or interrupted ends, and new tasks run.
    await expectRecovered(s, "the restart");
    // Again with idle workers: nothing of theirs is in flight, only their pooled and LISTEN connections.
    await cluster.restart();
    await expectRecovered(s, "a restart under idle workers");
    await expectCleanShutdown(s);
  });

  it("every connection of the application killed (pg_terminate_backend), three times: nothing lost, processes survive", async () => {
    const s = await start("terminate");
    await s.addUsers(3);
    await s.load(6, 1500);
    await running(s, 3);
    const backends = async () =>
      (await s.admin.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where usename = 'cv_tasks'"))[0]!.n;
    for (let round = 0; round < 3; round++) {
      // Each process has its LISTEN connection at least: wait until they are back before killing again.
      await waitFor(async () => (await backends()) >= 3, 30_000, "the application's connections back");
      await s.admin.query("select pg_terminate_backend(pid) from pg_stat_activity where usename = 'cv_tasks'");
    }
    await expectRecovered(s, "the kills");
    await expectCleanShutdown(s);
  });

  it("kill -9 of a worker mid-task: its tasks run again on the other worker once their lease expires, once", async () => {
    const s = await start("kill9");
    await s.addUsers(3);
    await s.load(6, 2000);
    const victim = s.workers[0]!;
    const taken = await s.untilRunningOn(victim.ownerId()!);
    victim.process.kill("SIGKILL");
    // Running again soon after the lease has expired (the design: lease + 5 s; here with a margin for a
    // loaded machine), not whenever.
    await waitFor(async () => {
      const rows = await s.rows(taken);
      return rows.every((r) => r.status !== "queued" && r.lease_owner !== victim.ownerId()) ? true : null;
    }, LEASE_MS + 8000, "the killed worker's tasks running again elsewhere");
    await s.settle(90_000);
    const rows = await s.rows(taken);
    for (const r of rows) expect(r.attempts, JSON.stringify(r)).toBeGreaterThanOrEqual(2);
    expectClean(await s.outcome(), s);
  });

  it("a worker frozen (SIGSTOP) past its lease, then resumed: another takes its tasks, the late writes are refused, it keeps working", async () => {
    const s = await start("sigstop");
    await s.addUsers(3);
    await s.load(6, 2000);
    const frozen = s.workers[0]!;
    const owner = frozen.ownerId()!;
    const taken = await s.untilRunningOn(owner);
    frozen.process.kill("SIGSTOP");
    // Taken over once the lease has expired: running elsewhere, or done.
    await waitFor(async () => {
      const rows = await s.rows(taken);
      return rows.every((r) => r.lease_owner !== owner) ? rows : null;
    }, LEASE_MS + 30_000, "the frozen worker's tasks taken over");
    frozen.process.kill("SIGCONT");
    // The resumed worker did not crash on its lost leases.
    await expectRecovered(s, "the resume");
  });

  it("a worker frozen inside a transaction, holding its user's lock: the server ends that transaction, and the other worker takes the tasks over", async () => {
    const s = await start("frozen-in-tx");
    const [ann, bob] = await s.addUsers(2);
    const held = await s.noop(ann!, 8000, { steps: 40 });
    await waitFor(async () => ((await s.rows([held]))[0]?.status === "running" ? true : null), 30_000, "the task running");
    const owner = (await s.rows([held]))[0]!.lease_owner!;
    const frozen = s.workers.find((w) => w.ownerId() === owner)!;
    // Catch the worker inside one of its transactions: hold the task's row, so that its next progress write,
    // having taken the user's lock, waits for it; freeze the worker there, then let the write through.
    const blocker = new pg.Client({ connectionString: s.appUrl });
    await blocker.connect();
    try {
      await blocker.query("begin");
      await blocker.query("select 1 from background_task where id = $1 for update", [held]);
      await waitFor(
        async () =>
          (
            await s.admin.query<{ pid: number }>(
              `select a.pid from pg_stat_activity a
                where a.usename = 'cv_tasks' and a.wait_event_type = 'Lock'
                  and exists (select 1 from pg_locks l where l.pid = a.pid and l.relation = 'task_clock'::regclass and l.granted)`,
            )
          ).length > 0 || null,
        30_000,
        "the worker's write waiting inside its transaction",
      );
      frozen.process.kill("SIGSTOP");
      await blocker.query("commit");
    } finally {
      await blocker.end();
    }
    // The lease the frozen worker last committed: nobody may take the task before it runs out.
    const leaseExpiresAt = (await s.rows([held]))[0]!.lease_expires_at!;
    // Another user's work goes on meanwhile.
    const other = await s.noop(bob!, 200);
    // Taken over: the frozen transaction ended by the server, the lease expired, the task re-queued and run.
    const taken = await waitFor(async () => {
      const row = (await s.rows([held]))[0]!;
      return row.lease_owner !== null && row.lease_owner !== owner ? row : null;
    }, LEASE_MS + IDLE_IN_TRANSACTION_TIMEOUT_MS + 15_000, "the frozen worker's task taken over");
    // (A lease runs LEASE_MS from its claim, so the new one tells when the task was claimed again.)
    expect(taken.lease_expires_at! - LEASE_MS).toBeGreaterThanOrEqual(leaseExpiresAt);
    await waitFor(async () => ((await s.rows([other]))[0]!.status === "completed" ? true : null), 30_000, "the other user's task");
    frozen.process.kill("SIGCONT");
    await expectRecovered(s, "the resume");
  });

  it("SIGTERM of a worker, then a cancel during its grace: the cancelled work stops at once, the rest is re-queued at the end of the grace", async () => {
    // A grace long enough to tell "at once" from "at the end of the grace"; still shorter than the lease.
    const grace = 5000;
    const s = await start("sigterm", { workers: 1, env: { TASK_SHUTDOWN_GRACE_MS: String(grace), TASK_LEASE_MS: "8000" } });
    const [ann, bob] = await s.addUsers(2);
    const cancelled = await s.noop(ann!, 60_000, { inChildProcess: true });
    const handedBack = await s.noop(bob!, 12_000, { steps: 12 });
    await waitFor(async () => ((await s.rows([cancelled, handedBack])).every((r) => r.status === "running") ? true : null), 30_000, "both tasks running");
    await waitFor(() => childAlive(cancelled), 10_000, "the task's child process");
    const worker = s.workers[0]!;
    const sigtermAt = Date.now();
    worker.process.kill("SIGTERM");
    expect((await s.cancel(ann!, cancelled)).body.task.status).toBe("cancelled");
    const cancelAt = Date.now();
    await waitFor(() => !childAlive(cancelled), 10_000, "the cancelled child process to stop");
    // "At once": well within the grace, not at its end.
    expect(Date.now() - cancelAt).toBeLessThan(2500);
    // And its slot frees once the child is gone: the cancelled row's lease is let go of, not left to expire.
    await waitFor(async () => ((await s.rows([cancelled]))[0]!.lease_owner === null ? true : null), 2500, "the cancelled task's lease released");
    // The other one goes back to the queue when the grace is over (not later), and the worker exits 0.
    await waitFor(async () => ((await s.rows([handedBack]))[0]!.status === "queued" ? true : null), grace + 10_000, "the unfinished task re-queued");
    expect(Date.now() - sigtermAt).toBeLessThan(grace + 1500);
    expect((await worker.exited).code).toBe(0);
    await s.addWorker();
    await s.settle(60_000);
    // Handed back by a shutdown, the interrupted run did not use up an attempt.
    expect((await s.rows([handedBack]))[0]).toMatchObject({ status: "completed", attempts: 1 });
    expectClean(await s.outcome(), s);
  });

  for (const [fault, body] of [
    ["refused with a serialization failure (40001)", "raise exception 'injected serialization failure' using errcode = '40001';"],
    ["whose connection is terminated", "perform pg_terminate_backend(pg_backend_pid());"],
  ] as const) {
    it(`a terminal write ${fault}, the first three times: the tasks still complete, once`, async () => {
      const s = await start(`terminal_${fault.slice(0, 10)}`);
      await s.addUsers(2);
      await s.admin.query(`
        create sequence fault_terminal_seq;
        create function fault_fail_terminal() returns trigger language plpgsql security definer as $$
        begin
          if nextval('fault_terminal_seq') <= 3 then ${body} end if;
          return new;
        end $$;
        create trigger fault_fail_terminal before update on background_task for each row
          when (new.status = 'completed' and old.status = 'running') execute function fault_fail_terminal();
      `);
      await s.load(4, 300);
      await s.settle(90_000);
      const n = (await s.admin.query<{ n: string }>("select last_value as n from fault_terminal_seq"))[0]!.n;
      expect(Number(n)).toBeGreaterThan(3); // the fault did land
      expect(s.workers.map((w) => w.alive()), s.logs()).toEqual([true, true]);
      expectClean(await s.outcome(), s);
    });
  }

  it("a second process on one embedded database refuses to start and names the holder; after kill -9 of the holder, the next one takes over", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cv-tasks-embedded-"));
    try {
      const first = await startAppServer({ ...env, DATA_DIR: dataDir });
      servers.push(first);
      const alice = await ApiClient.signUp(first.url);
      const done = (await alice.post<TaskResponse>(SYNC, { type: "noop" })).body.task.id;
      await waitFor(async () => ((await alice.get<TaskResponse>(`${SYNC}?taskId=${done}`)).body.task.status === "completed" ? true : null), 20_000, "a task done");
      const inFlight = (await alice.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 60_000, steps: 60 } })).body.task.id;
      await waitFor(async () => ((await alice.get<TaskResponse>(`${SYNC}?taskId=${inFlight}`)).body.task.status === "running" ? true : null), 20_000, "a task running");

      const second = startAppServer({ ...env, DATA_DIR: dataDir });
      const refusal = await second.then(
        (s) => {
          servers.push(s);
          return "started";
        },
        (err: Error) => err.message,
      );
      expect(refusal).toContain(`already in use by process ${first.process.pid} on ${os.hostname()}`);
      // The first one was not disturbed.
      expect((await alice.get<TaskResponse>(`${SYNC}?taskId=${inFlight}`)).body.task.status).toBe("running");

      first.process.kill("SIGKILL");
      await new Promise((r) => first.process.once("exit", r));
      const third = await startAppServer({ ...env, DATA_DIR: dataDir });
      servers.push(third);
      const again = new ApiClient(third.url, alice.cookieHeader);
      expect((await again.get<TaskResponse>(`${SYNC}?taskId=${done}`)).body.task.status).toBe("completed");
      // The task the killed process was running is recovered by the one that took over.
      const recovered = await waitFor(async () => {
        const t = (await again.get<TaskResponse>(`${SYNC}?taskId=${inFlight}`)).body.task;
        return t.status === "running" && t.attempts === 2 ? t : null;
      }, 30_000, "the interrupted task re-queued and running again");
      expect(recovered.attempts).toBe(2);
    } finally {
      for (const s of servers.splice(0)) await s.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
