/**
 * Two web instances (runner off) and standalone workers sharing one PostgreSQL database.
 * Leases are short here (2 s) so that recovery can be watched.
 */
import { execFileSync } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { PurgeResponse, TaskResponse, TaskSyncResponse } from "@/shared/tasks";
import { ApiClient } from "../../scripts/lib/api-client";
import { startAppServer, type AppServer } from "../../scripts/lib/app-server";
import { startWorker, type WorkerProcess } from "../../scripts/lib/worker-process";
import { untilTaskIs } from "../helpers/api-tasks";
import { openEvents, until } from "../helpers/sse";

const SYNC = "/api/background-tasks/sync";
const url = inject("databaseUrl");
const env = {
  ALLOW_DIAGNOSTIC_TASKS: "true", // the suite runs noop tasks
  DATABASE_URL: url,
  TASK_LEASE_MS: "2000",
  TASK_HEARTBEAT_MS: "400",
  TASK_KILL_GRACE_MS: "300",
  TASK_SHUTDOWN_GRACE_MS: "1000",
  // One task at a time per worker: a user's two slots can only be filled by two workers at once (test 5).
  TASK_CONCURRENCY: "1",
  AUTH_RATE_LIMIT: "false",
};

let webA: AppServer;
let webB: AppServer;
const workers: WorkerProcess[] = [];
let db: pg.Client;

async function worker(): Promise<WorkerProcess> {
  const w = startWorker(env);
  workers.push(w);
  await w.ready;
  return w;
}

const get = async (client: ApiClient, id: string) => (await client.get<TaskResponse>(`${SYNC}?taskId=${id}`)).body.task;
const childRunning = (taskId: string) => {
  try {
    return execFileSync("pgrep", ["-f", `cv-tasks-noop-${taskId}`], { encoding: "utf8" }).trim().length > 0;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  webA = await startAppServer({ ...env, RUNNER_ENABLED: "false" });
  webB = await startAppServer({ ...env, RUNNER_ENABLED: "false" });
  db = new pg.Client({ connectionString: url });
  await db.connect();
  await worker();
});

afterAll(async () => {
  for (const w of workers) await w.stop("SIGKILL");
  await webA?.stop();
  await webB?.stop();
  await db?.end();
});

describe("several web instances and workers on PostgreSQL", () => {
  it("1. a task created through A runs on the worker, and a device on B gets every change pushed", async () => {
    const alice = await ApiClient.signUp(webA.url);
    const onB = await openEvents(`${webB.url}/api/background-tasks/events`, alice.cookieHeader);
    await until(() => onB.frames.some((f) => f.comment === "connected"));
    const { body } = await alice.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 1200, steps: 3 } });
    await until(() => onB.frames.some((f) => f.data?.includes('"status":"completed"')), 15_000, "completed pushed to B");
    const pushed = onB.frames.filter((f) => f.event === "task").map((f) => JSON.parse(f.data!) as { taskId: string; version: number });
    expect(pushed.every((p) => p.taskId === body.task.id)).toBe(true);
    // Every change reached B: the versions pushed are every version the task went through.
    const finalVersion = (await get(alice.otherDevice(), body.task.id)).version;
    const versions = [...new Set(pushed.map((p) => p.version))].sort((a, b) => a - b);
    expect(versions[versions.length - 1]).toBe(finalVersion);
    expect(versions.length).toBeGreaterThanOrEqual(3); // queued, running, (progress), completed
    const done = await get(new ApiClient(webB.url, alice.cookieHeader), body.task.id);
    expect(done).toMatchObject({ status: "completed", result: { attempt: 1 } });
    onB.close();
  });

  it("2. a cancel sent to B stops the work on the worker: its child process is killed, within 500 ms", async () => {
    const alice = await ApiClient.signUp(webA.url);
    const onB = new ApiClient(webB.url, alice.cookieHeader);
    const { body } = await alice.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 60_000, inChildProcess: true } });
    await untilTaskIs(onB, body.task.id, (t) => t.status === "running");
    await until(() => childRunning(body.task.id), 10_000, "the task's child process");
    const t0 = Date.now();
    const res = await onB.delete<TaskResponse>(`${SYNC}?taskId=${body.task.id}&action=cancel`);
    expect(res.body.task.status).toBe("cancelled");
    await until(() => !childRunning(body.task.id), 2000, "the child process to stop");
    expect(Date.now() - t0).toBeLessThan(500);
    // Once the worker has let go of the task, it is still cancelled (the stopped work wrote nothing over it).
    await until(async () => (await db.query("select lease_owner from background_task where id = $1", [body.task.id])).rows[0].lease_owner === null, 10_000, "the lease released");
    expect((await get(alice, body.task.id)).status).toBe("cancelled");
  });

  it("3. kill -9 of the worker mid-task: a second worker re-runs it after the lease expires; it completes once", async () => {
    const alice = await ApiClient.signUp(webA.url);
    const { body } = await alice.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 2500, steps: 5 } });
    await untilTaskIs(alice, body.task.id, (t) => t.status === "running");
    const first = workers[0]!;
    first.process.kill("SIGKILL");
    await new Promise((r) => first.process.once("exit", r));
    await worker();
    const done = await untilTaskIs(alice, body.task.id, (t) => t.status === "completed", 30_000);
    expect(done.attempts).toBe(2);
    expect(done.result).toEqual({ waitedMs: 2500, attempt: 2 });
    const { rows } = await db.query("select count(*)::int as n from background_task where status = 'running'");
    expect(rows[0].n).toBe(0);
  });

  it("4. a worker frozen past its lease and resumed after another took over: its late writes are all rejected", async () => {
    const alice = await ApiClient.signUp(webA.url);
    const frozen = workers.find((w) => w.process.exitCode === null && w.process.signalCode === null)!;
    const { body } = await alice.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 3000, steps: 6 } });
    await untilTaskIs(alice, body.task.id, (t) => t.status === "running" && t.progress > 0);
    frozen.process.kill("SIGSTOP");
    await worker(); // takes the task over once the lease has expired
    const done = await untilTaskIs(alice, body.task.id, (t) => t.status === "completed", 30_000);
    expect(done.result).toEqual({ waitedMs: 3000, attempt: 2 });
    frozen.process.kill("SIGCONT");
    // The resumed worker's progress, completion and lease writes all carry its old attempt: all refused.
    // What it had left of the task (at most its 3 s) is watched through, and nothing changes meanwhile.
    const watchUntil = Date.now() + 3500;
    while (Date.now() < watchUntil) expect(await get(alice, body.task.id)).toEqual(done);
    expect(frozen.process.exitCode, frozen.output()).toBeNull(); // and it did not crash on its lost lease
  });

  it("5. the per-user limit (2) holds across three workers; two of them run the user's tasks at once", async () => {
    await worker();
    // Three workers of one task each: room for 3 of the user's tasks, so only the limit holds it at 2.
    const alive = workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null);
    expect(alive.length).toBe(3);
    const alice = await ApiClient.signUp(webA.url);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await alice.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs: 800, steps: 2 } })).body.task.id);
    const { rows: who } = await db.query("select user_id from background_task where id = $1", [ids[0]]);
    let max = 0;
    const owners = new Set<string>();
    await until(async () => {
      const { rows } = await db.query(
        "select lease_owner, status from background_task where user_id = $1 and lease_owner is not null and lease_expires_at > $2",
        [who[0].user_id, Date.now()],
      );
      max = Math.max(max, rows.length);
      for (const r of rows) owners.add(r.lease_owner);
      const { rows: left } = await db.query("select count(*)::int as n from background_task where user_id = $1 and status <> 'completed'", [who[0].user_id]);
      return left[0].n === 0;
    }, 30_000);
    // Each worker runs one task at a time: the user's two slots were filled by two workers at once.
    expect(max).toBe(2);
    expect(owners.size).toBeGreaterThanOrEqual(2);
  });

  it("6. a purge on A is reflected on B", async () => {
    const alice = await ApiClient.signUp(webA.url);
    const onB = new ApiClient(webB.url, alice.cookieHeader);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await alice.post<TaskResponse>(SYNC, { type: "noop" })).body.task.id);
    for (const id of ids) await untilTaskIs(alice, id, (t) => t.status === "completed");
    const before = (await onB.get<TaskSyncResponse>(SYNC)).body;
    const pushes = await openEvents(`${webB.url}/api/background-tasks/events`, alice.cookieHeader);
    await until(() => pushes.frames.some((f) => f.comment === "connected"));
    expect((await alice.delete<PurgeResponse>(`${SYNC}?action=purge`)).body.deleted).toBe(3);
    await until(() => pushes.frames.filter((f) => f.data?.includes('"kind":"delete"')).length === 3, 5000, "deletions pushed to B");
    const delta = (await onB.get<TaskSyncResponse>(`${SYNC}?since=${before.cursor}`)).body;
    expect(delta.deleted.sort()).toEqual([...ids].sort());
    expect((await onB.get<TaskSyncResponse>(SYNC)).body.tasks).toEqual([]);
    pushes.close();
  });

  it("7. LISTEN connections killed by the server reconnect, and no change is missed", async () => {
    const alice = await ApiClient.signUp(webA.url);
    const onB = new ApiClient(webB.url, alice.cookieHeader);
    const pushes = await openEvents(`${webB.url}/api/background-tasks/events`, alice.cookieHeader);
    await until(() => pushes.frames.some((f) => f.comment === "connected"));
    const { cursor } = (await onB.get<TaskSyncResponse>(SYNC)).body;
    const listeners = async () => (await db.query("select count(*)::int as n from pg_stat_activity where application_name = 'cv-tasks-listen'")).rows[0].n as number;
    const count = await listeners();
    expect(count).toBeGreaterThanOrEqual(3);

    await db.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'cv-tasks-listen'");
    // A change while B cannot hear: it must still reach B's device.
    const during = (await alice.post<TaskResponse>(SYNC, { type: "noop", title: "during the outage" })).body.task;
    await until(async () => (await listeners()) === count, 10_000, "every LISTEN connection back");
    await until(() => pushes.frames.some((f) => f.event === "resync" || f.data?.includes(during.id)), 5000, "B catches up");
    const delta = (await onB.get<TaskSyncResponse>(`${SYNC}?since=${cursor}`)).body;
    expect(delta.tasks.map((t) => t.id)).toContain(during.id);

    // And pushes flow again.
    const after = (await alice.post<TaskResponse>(SYNC, { type: "noop", title: "after" })).body.task;
    await until(() => pushes.frames.some((f) => f.event === "task" && f.data?.includes(after.id)), 5000, "a push after the reconnection");
    pushes.close();
  });

  it("8. a session signed out through A stops working on B within seconds (B keeps sessions in memory); the user's other session goes on", async () => {
    const email = `revoke-${Date.now()}@example.test`;
    const phone = await ApiClient.signUp(webA.url, email);
    const laptop = new ApiClient(webB.url);
    expect((await laptop.post("/api/auth/sign-in/email", { email, password: "correct horse battery" })).status).toBe(200);
    const phoneOnB = new ApiClient(webB.url, phone.cookieHeader);
    // B has answered the phone's session several times: it is kept there.
    for (let i = 0; i < 3; i++) expect((await phoneOnB.get(`${SYNC}?since=0`)).status).toBe(200);
    const phoneStream = await openEvents(`${webB.url}/api/background-tasks/events`, phone.cookieHeader);
    await until(() => phoneStream.frames.some((f) => f.comment === "connected"));

    expect((await phone.post("/api/auth/sign-out", {})).status).toBe(200);
    const signedOutAt = Date.now();
    // Within a few seconds (the bus's NOTIFY; without it, B would trust the session for 30 s).
    await until(async () => (await phoneOnB.get(`${SYNC}?since=0`)).status === 401, 5000, "B refuses the signed-out session");
    await until(() => phoneStream.isEnded(), 5000, "B ends the signed-out session's stream");
    console.log(`signed out on A: refused on B after ${Date.now() - signedOutAt} ms`);
    expect((await phoneOnB.get(SYNC)).status).toBe(401);
    expect((await laptop.get(SYNC)).status).toBe(200);
  });
});
