/**
 * What the fault suite and the fault benchmark share: a scenario is a fresh database on a private
 * PostgreSQL cluster, web instances and standalone workers as real processes, users putting a load of
 * tasks through the HTTP API, and the checks every fault must pass:
 *  - no task lost (every acknowledged task exists, and ends completed unless the test cancelled it);
 *  - none stuck queued or running;
 *  - none completed twice (a trigger installed by the test logs every write that leaves a row completed);
 *  - no duplicate CV row (generations write their CV in the transaction that completes the task);
 *  - the per-user limit held by live leases (sampled from the table throughout the run).
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { TaskResponse } from "../../src/shared/tasks";
import { ApiClient } from "./api-client";
import { startAppServer, type AppServer } from "./app-server";
import type { PgCluster } from "./pg-cluster";
import { startWorker, type WorkerProcess } from "./worker-process";

export const SYNC = "/api/background-tasks/sync";

/** A base CV for generations (fictional). */
const BASE_CV = {
  basics: { name: "Imogen Castellanos", label: "Backend Engineer", email: "imogen@example.org", summary: "Backend engineer: TypeScript, PostgreSQL, Kubernetes." },
  work: [
    {
      name: "Harbour Logistics",
      position: "Backend Engineer",
      startDate: "2019-04",
      startDateText: "Apr 2019",
      endDateText: "Present",
      highlights: ["Built the shipment API in TypeScript on PostgreSQL", "Ran the Kubernetes migration of 12 services"],
    },
  ],
  education: [],
  skills: [{ name: "Backend", keywords: ["TypeScript", "PostgreSQL", "Kubernetes", "Go"] }],
  volunteer: [],
  awards: [],
  certificates: [],
  interests: [],
  projects: [],
  languages: [],
};

const OFFER = {
  title: "Platform Engineer",
  company: "Northwind",
  text: "We are looking for a platform engineer with TypeScript and PostgreSQL experience, Kubernetes is a plus. You will build our internal job queue.",
};

export interface ScenarioOptions {
  name: string;
  /** Environment of every process (leases, graces, limits). */
  env: Record<string, string>;
  webs?: number;
  workers?: number;
  /** Extra environment of the workers only (an LLM, say). */
  workerEnv?: Record<string, string>;
  perUserLimit: number;
}

export interface LoadUser {
  client: ApiClient;
  userId: string;
  cvId: string;
}

export interface Outcome {
  created: number;
  lost: string[];
  stuck: string[];
  notCompleted: { id: string; status: string; error: string | null }[];
  duplicateCompletions: string[];
  duplicateCvRows: string[];
  missingCvRows: string[];
  maxLiveLeasesPerUser: number;
  maxRunningPerUser: number;
}

/** Polls `check` until it holds; the deadline is what the caller allows for the behaviour under test. */
export async function waitFor<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms: number, what: string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      lastError = err; // the database may be restarting: try again
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A superuser connection to the scenario's database that reconnects after a restart or a kill. */
export class AdminDb {
  private client: pg.Client | null = null;
  constructor(private readonly url: string) {}

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
    if (!this.client) {
      const client = new pg.Client({ connectionString: this.url, application_name: "fault-test-admin" });
      client.on("error", () => {
        if (this.client === client) this.client = null;
      });
      await client.connect();
      this.client = client;
    }
    const client = this.client;
    try {
      return (await client.query<R>(text, values)).rows;
    } catch (err) {
      if (this.client === client && !(err as { code?: string }).code) this.client = null;
      throw err;
    }
  }

  async close() {
    await this.client?.end().catch(() => {});
    this.client = null;
  }
}

export class Scenario {
  readonly webs: AppServer[] = [];
  readonly workers: WorkerProcess[] = [];
  readonly users: LoadUser[] = [];
  /** Every task the API acknowledged (202), with what the test expects of it. */
  readonly tasks = new Map<string, { userId: string; type: string; expect: "completed" | "cancelled" }>();
  admin!: AdminDb;
  appUrl!: string;
  private samplerTimer: NodeJS.Timeout | null = null;
  private sampling: Promise<void> | null = null;
  maxLive = 0;
  maxRunning = 0;

  private constructor(
    readonly cluster: PgCluster,
    readonly opts: ScenarioOptions,
  ) {}

  static async start(cluster: PgCluster, opts: ScenarioOptions): Promise<Scenario> {
    const s = new Scenario(cluster, opts);
    const dbName = `${opts.name.replace(/\W+/g, "_").toLowerCase()}_${randomUUID().slice(0, 6)}`;
    s.appUrl = await cluster.createDatabase(dbName);
    s.admin = new AdminDb(cluster.adminUrl(dbName));
    try {
      for (let i = 0; i < (opts.webs ?? 1); i++) s.webs.push(await startAppServer({ ALLOW_DIAGNOSTIC_TASKS: "true", ...opts.env, DATABASE_URL: s.appUrl, RUNNER_ENABLED: "false" }));
      await s.installAudit();
      for (let i = 0; i < (opts.workers ?? 2); i++) await s.addWorker();
    } catch (err) {
      await s.close();
      throw err;
    }
    s.startSampler();
    return s;
  }

  /**
   * Logs every write that leaves a task completed (a task completed twice shows twice), and every claim
   * (which worker, when).
   */
  private async installAudit() {
    await this.admin.query(`
      create table fault_completion_log (task_id uuid not null, status_before text not null, at timestamptz not null default clock_timestamp());
      create function fault_log_completion() returns trigger language plpgsql security definer as $$
      begin insert into fault_completion_log (task_id, status_before) values (new.id, old.status); return new; end $$;
      create trigger fault_log_completion after update on background_task for each row
        when (new.status = 'completed') execute function fault_log_completion();
      create table fault_claim_log (task_id uuid not null, owner text not null, at timestamptz not null default clock_timestamp());
      create function fault_log_claim() returns trigger language plpgsql security definer as $$
      begin insert into fault_claim_log (task_id, owner) values (new.id, new.lease_owner); return new; end $$;
      create trigger fault_log_claim after update on background_task for each row
        when (new.status = 'running' and old.status = 'queued') execute function fault_log_claim();
    `);
  }

  get web(): AppServer {
    return this.webs[0]!;
  }

  async addWorker(env: Record<string, string> = {}): Promise<WorkerProcess> {
    const w = startWorker({ ...this.opts.env, ...this.opts.workerEnv, ...env, DATABASE_URL: this.appUrl });
    this.workers.push(w);
    await w.ready;
    return w;
  }

  async addUsers(n: number): Promise<LoadUser[]> {
    const added: LoadUser[] = [];
    for (let i = 0; i < n; i++) {
      const client = await ApiClient.signUp(this.webs[i % this.webs.length]!.url);
      const email = (await client.get<{ user: { id: string } }>("/api/auth/get-session")).body.user.id;
      const userId = email;
      const cvId = randomUUID();
      await this.admin.query(
        "insert into cv (id, user_id, title, source, content, created_at, updated_at) values ($1, $2, 'Base CV', 'imported', $3, $4, $4)",
        [cvId, userId, JSON.stringify(BASE_CV), Date.now()],
      );
      const user = { client, userId, cvId };
      this.users.push(user);
      added.push(user);
    }
    return added;
  }

  /** A noop task (waits `durationMs`, reporting progress); optionally in a child process. */
  async noop(user: LoadUser, durationMs: number, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await user.client.post<TaskResponse>(SYNC, { type: "noop", payload: { durationMs, steps: 5, ...extra } });
    if (res.status !== 202) throw new Error(`creating a task: ${res.status} ${JSON.stringify(res.body)}`);
    this.tasks.set(res.body.task.id, { userId: user.userId, type: "noop", expect: "completed" });
    return res.body.task.id;
  }

  /** A generation: its CV row is written in the transaction that completes the task. */
  async generate(user: LoadUser): Promise<string> {
    const res = await user.client.post<{ tasks: { id: string }[] }>("/api/background-tasks/generate-cv", { cvId: user.cvId, offers: [OFFER] });
    if (res.status !== 202) throw new Error(`creating a generation: ${res.status} ${JSON.stringify(res.body)}`);
    const id = res.body.tasks[0]!.id;
    this.tasks.set(id, { userId: user.userId, type: "generate-cv", expect: "completed" });
    return id;
  }

  /** `perUser` tasks for each user, alternating noops of `durationMs` and generations. */
  async load(perUser: number, durationMs: number): Promise<string[]> {
    const ids: string[] = [];
    await Promise.all(
      this.users.map(async (u) => {
        for (let i = 0; i < perUser; i++) ids.push(i % 2 === 0 ? await this.noop(u, durationMs) : await this.generate(u));
      }),
    );
    return ids;
  }

  async cancel(user: LoadUser, taskId: string) {
    const res = await user.client.delete<TaskResponse>(`${SYNC}?taskId=${taskId}&action=cancel`);
    if (res.status === 200) this.tasks.set(taskId, { ...this.tasks.get(taskId)!, expect: "cancelled" });
    return res;
  }

  /** Rows of tasks, straight from the table. */
  async rows(ids?: string[]) {
    return this.admin.query<{ id: string; user_id: string; status: string; lease_owner: string | null; lease_expires_at: number | null; attempts: number; error_message: string | null; type: string }>(
      `select id, user_id, status, lease_owner, lease_expires_at::float8 as lease_expires_at, attempts, error_message, type from background_task${ids ? " where id = any($1)" : ""}`,
      ids ? [ids] : [],
    );
  }

  /** Running tasks leased by `owner`. */
  async runningOn(owner: string) {
    return (await this.admin.query<{ id: string }>("select id from background_task where status = 'running' and lease_owner = $1", [owner])).map((r) => r.id);
  }

  /** Waits until `owner` holds at least `n` running tasks, and returns them. */
  async untilRunningOn(owner: string, n = 1, ms = 60_000): Promise<string[]> {
    return waitFor(async () => {
      const ids = await this.runningOn(owner);
      return ids.length >= n ? ids : null;
    }, ms, `${n} task(s) running on ${owner}`);
  }

  private startSampler() {
    const sample = async () => {
      const rows = await this.admin.query<{ live: number; running: number }>(
        `select count(*) filter (where lease_owner is not null and lease_expires_at > (extract(epoch from clock_timestamp()) * 1000)::bigint)::int as live,
                count(*) filter (where status = 'running')::int as running
           from background_task group by user_id`,
      );
      for (const r of rows) {
        this.maxLive = Math.max(this.maxLive, r.live);
        this.maxRunning = Math.max(this.maxRunning, r.running);
      }
    };
    const tick = () => {
      this.sampling = sample()
        .catch(() => {}) // the server may be restarting
        .finally(() => {
          if (this.samplerTimer) this.samplerTimer = setTimeout(tick, 50);
        });
    };
    this.samplerTimer = setTimeout(tick, 0);
  }

  /** Waits until every acknowledged task is final (completed, failed or cancelled). */
  async settle(ms: number, what = "every task to end") {
    const ids = [...this.tasks.keys()];
    return waitFor(async () => {
      const rows = await this.rows(ids);
      return rows.length === ids.length && rows.every((r) => !["queued", "running"].includes(r.status)) ? rows : null;
    }, ms, what, 200);
  }

  /** The invariants, measured (the caller asserts them). */
  async outcome(): Promise<Outcome> {
    const ids = [...this.tasks.keys()];
    const rows = await this.rows(ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const dupCompletions = await this.admin.query<{ task_id: string }>("select task_id from fault_completion_log group by task_id having count(*) > 1");
    const dupCv = await this.admin.query<{ task_id: string }>("select task_id from cv where task_id is not null group by task_id having count(*) > 1");
    const missingCv = await this.admin.query<{ id: string }>(
      "select t.id from background_task t where t.type = 'generate-cv' and t.status = 'completed' and not exists (select 1 from cv where cv.task_id = t.id)",
    );
    return {
      created: ids.length,
      lost: ids.filter((id) => !byId.has(id)),
      stuck: rows.filter((r) => r.status === "queued" || r.status === "running").map((r) => r.id),
      notCompleted: rows
        .filter((r) => this.tasks.get(r.id)!.expect === "completed" && r.status !== "completed")
        .map((r) => ({ id: r.id, status: r.status, error: r.error_message })),
      duplicateCompletions: dupCompletions.map((r) => r.task_id),
      duplicateCvRows: dupCv.map((r) => r.task_id),
      missingCvRows: missingCv.map((r) => r.id),
      maxLiveLeasesPerUser: this.maxLive,
      maxRunningPerUser: this.maxRunning,
    };
  }

  /** Output of every process, for a failure message. */
  logs(): string {
    return [
      ...this.webs.map((w, i) => `--- web ${i}\n${w.output().slice(-3000)}`),
      ...this.workers.map((w, i) => `--- worker ${i} (${w.alive() ? "alive" : "exited"})\n${w.output().slice(-3000)}`),
    ].join("\n");
  }

  async close() {
    const timer = this.samplerTimer;
    this.samplerTimer = null;
    if (timer) clearTimeout(timer);
    await this.sampling;
    await Promise.all(this.workers.map((w) => w.stop("SIGKILL")));
    await Promise.all(this.webs.map((w) => w.stop()));
    await this.admin?.close();
  }
}
