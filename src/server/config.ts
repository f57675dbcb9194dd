import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const intFrom = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const flag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
    .optional()
    .transform((v) => (v === undefined ? fallback : ["true", "1", "yes", "on"].includes(v)));

const emptyAsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const envSchema = z.object({
  DATABASE_URL: z.preprocess(emptyAsUndefined, z.string().regex(/^postgres(ql)?:\/\//, "must start with postgres://").optional()),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default(".data")),
  BETTER_AUTH_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, "must be at least 32 characters").optional()),
  BETTER_AUTH_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  AUTH_ALLOWED_HOSTS: z.preprocess(emptyAsUndefined, z.string().default("localhost:*,127.0.0.1:*,[::1]:*")),
  AUTH_RATE_LIMIT: flag(true),
  TRUST_PROXY: intFrom(0, 0, 10),
  ALLOW_DIAGNOSTIC_TASKS: flag(false),
  CV_LIMIT_PER_USER: intFrom(500, 1, 100_000),
  RUNNER_ENABLED: flag(true),
  TASK_CONCURRENCY: intFrom(3, 1, 256),
  TASK_PER_USER_CONCURRENCY: intFrom(2, 1, 256),
  TASK_HISTORY_LIMIT: intFrom(100, 1, 10_000),
  TASK_ACTIVE_LIMIT: intFrom(20, 1, 10_000),
  TASK_KILL_GRACE_MS: intFrom(2000, 0, 60_000),
  TASK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).optional(),
  TASK_PROGRESS_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).optional(),
  TASK_GLOBAL_CONCURRENCY: intFrom(0, 0, 100_000),
  TASK_LEASE_MS: intFrom(30_000, 500, 3_600_000),
  TASK_HEARTBEAT_MS: intFrom(5000, 100, 600_000),
  // Shorter than the lease (the runner refuses to start otherwise).
  TASK_SHUTDOWN_GRACE_MS: intFrom(20_000, 0, 3_600_000),
  LLM_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  LLM_API_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  LLM_MODEL: z.preprocess(emptyAsUndefined, z.string().optional()),
  LLM_TIMEOUT_MS: intFrom(120_000, 1000, 30 * 60 * 1000),
  TASK_TOMBSTONE_TTL_MS: intFrom(24 * 60 * 60 * 1000, 1000, 30 * 24 * 60 * 60 * 1000),
  PUSH_MAX_STREAMS: z.coerce.number().int().min(1).max(1_000_000).optional(),
  PUSH_MAX_STREAMS_PER_USER: intFrom(6, 1, 100_000),
  PUSH_MAX_BUFFER_BYTES: intFrom(256 * 1024, 4096, 64 * 1024 * 1024),
  PUSH_STREAM_LIFETIME_MS: intFrom(5 * 60 * 1000, 1000, 24 * 60 * 60 * 1000),
  PUSH_HEARTBEAT_MS: intFrom(15_000, 500, 600_000),
  PUSH_SESSION_CHECK_MS: intFrom(2000, 100, 600_000),
});

/**
 * Open file descriptors this process may hold (the soft RLIMIT_NOFILE, from /proc on Linux), or null
 * where it cannot be read.
 */
function openFileLimit(): number | null {
  try {
    const line = fs.readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isFinite(soft) && soft > 0 ? soft : null;
  } catch {
    return null;
  }
}

/**
 * The default cap on push streams: half the open-file limit as it is now (an operator may lower it on a
 * running process with prlimit), at most 5,000, read again at most once a second.
 */
const streamCapFromFileLimit = (() => {
  let cached = { at: -Infinity, cap: 0 };
  return () => {
    const now = Date.now();
    if (now - cached.at >= 1000) cached = { at: now, cap: Math.max(16, Math.min(5000, Math.floor((openFileLimit() ?? 10_000) / 2))) };
    return cached.cap;
  };
})();

export type AppConfig = ReturnType<typeof loadConfig>;

/** Reads the whole configuration from the environment; a bad value stops start-up with a readable message. */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    authSecret: e.BETTER_AUTH_SECRET,
    authUrl: e.BETTER_AUTH_URL,
    authAllowedHosts: e.AUTH_ALLOWED_HOSTS.split(",").map((h) => h.trim()).filter(Boolean),
    authRateLimit: e.AUTH_RATE_LIMIT,
    /** Reverse proxies in front of the app whose X-Forwarded-For entries are trusted (0: the socket's address). */
    trustProxy: e.TRUST_PROXY,
    /** Diagnostic task types (noop) may be created through the API. */
    allowDiagnosticTasks: e.ALLOW_DIAGNOSTIC_TASKS,
    cvLimitPerUser: e.CV_LIMIT_PER_USER,
    runnerEnabled: e.RUNNER_ENABLED,
    /** Set when LLM_BASE_URL, LLM_API_KEY and LLM_MODEL are all set; otherwise the jobs run offline. */
    llm:
      e.LLM_BASE_URL && e.LLM_API_KEY && e.LLM_MODEL
        ? { baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY, model: e.LLM_MODEL, timeoutMs: e.LLM_TIMEOUT_MS }
        : undefined,
    tasks: {
      concurrency: e.TASK_CONCURRENCY,
      perUserConcurrency: e.TASK_PER_USER_CONCURRENCY,
      historyLimit: e.TASK_HISTORY_LIMIT,
      activeLimit: e.TASK_ACTIVE_LIMIT,
      killGraceMs: e.TASK_KILL_GRACE_MS,
      // Embedded: one process, a restart re-queues once. PostgreSQL: workers may die; three runs in all.
      maxAttempts: e.TASK_MAX_ATTEMPTS ?? (e.DATABASE_URL ? 3 : 2),
      // PostgreSQL: NOTIFY takes a global lock at commit, so progress writes are coalesced to one a second.
      progressIntervalMs: e.TASK_PROGRESS_INTERVAL_MS ?? (e.DATABASE_URL ? 1000 : 250),
      /** Tasks running at once across every process on the database (0: no cluster-wide cap). */
      globalConcurrency: e.TASK_GLOBAL_CONCURRENCY,
      leaseMs: e.TASK_LEASE_MS,
      heartbeatMs: e.TASK_HEARTBEAT_MS,
      shutdownGraceMs: e.TASK_SHUTDOWN_GRACE_MS,
      tombstoneTtlMs: e.TASK_TOMBSTONE_TTL_MS,
    },
    push: {
      /**
       * Push streams this process keeps open, over every user (more: 503 with Retry-After). Default: half
       * the open-file limit, at most 5,000, so the streams can never starve sign-in and the API of sockets.
       */
      maxStreams: (e.PUSH_MAX_STREAMS ?? streamCapFromFileLimit) as number | (() => number),
      /** Per user; opening one more closes that user's oldest. */
      maxStreamsPerUser: e.PUSH_MAX_STREAMS_PER_USER,
      /** Unsent bytes a stream may hold for a slow client before it is dropped (it resumes from its cursor). */
      maxBufferBytes: e.PUSH_MAX_BUFFER_BYTES,
      /** A stream ends after this long (plus up to half of it, at random) and the client reconnects. */
      lifetimeMs: e.PUSH_STREAM_LIFETIME_MS,
      heartbeatMs: e.PUSH_HEARTBEAT_MS,
      /** How often the sessions of open streams are checked: a signed-out session stops receiving within it. */
      sessionCheckMs: e.PUSH_SESSION_CHECK_MS,
    },
  };
}

export type TaskLimits = AppConfig["tasks"];
export type PushLimits = AppConfig["push"];
