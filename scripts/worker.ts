/**
 * A standalone worker: runs tasks from the PostgreSQL queue, serves no HTTP.
 * SIGTERM (or SIGINT): stop claiming, let running tasks finish within TASK_SHUTDOWN_GRACE_MS, then put
 * what is left back in the queue for another worker, and exit.
 *
 * It outlives the database: a server that is down, restarting or dropping connections is waited for
 * (at start too), and work resumes when it is back. It exits non-zero only for a configuration error
 * (exit code 2: a bad setting, a wrong password, a database that does not exist).
 */
import { createApp, type App } from "../src/server/app";
import { loadConfig, type AppConfig } from "../src/server/config";
import { isTransientConnectionError } from "../src/server/db/client";

const CONFIG_ERROR = 2;
const SHUTDOWN_MARGIN_MS = 15_000;

function fatal(message: string): never {
  console.error(`[worker] ${message}`);
  process.exit(CONFIG_ERROR);
}

let config: AppConfig;
try {
  config = loadConfig();
} catch (err) {
  fatal(err instanceof Error ? err.message : String(err));
}
if (!config.databaseUrl) fatal("npm run worker needs DATABASE_URL (a PostgreSQL server): the embedded database belongs to the web process.");

// The runner's timers do not hold the process open (they are unref'd, so that tests and scripts can end):
// this does, until a signal says to stop. Without it a worker whose connections all dropped would exit 0.
const keepAlive = setInterval(() => {}, 1 << 30);
let app: App | null = null;
let stopping = false;

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    if (!app) process.exit(0); // still waiting for the database: nothing to hand back
    console.log(`[worker] ${signal}: finishing running tasks (up to ${config.tasks.shutdownGraceMs} ms), then releasing them`);
    // The tasks are handed back within the grace; closing connections after that must not hold the
    // process for ever (leases expire anyway): past the grace and a margin, say where it hung and exit.
    const current = app;
    setTimeout(() => {
      console.error(`[worker] shutdown did not finish ${SHUTDOWN_MARGIN_MS} ms after the grace (${current.closing}); exiting`);
      process.exit(1);
    }, config.tasks.shutdownGraceMs + SHUTDOWN_MARGIN_MS).unref();
    void app.close(config.tasks.shutdownGraceMs).then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}

// The database may not be up yet (a machine booting, a server restarting): wait for it, with backoff.
for (let waitMs = 250; !app && !stopping; ) {
  try {
    app = await createApp({ ...config, runnerEnabled: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!isTransientConnectionError(err)) fatal(`cannot start: ${message}`);
    console.error(`[worker] the database is not reachable (${message}); retrying in ${waitMs} ms`);
    await new Promise((r) => setTimeout(r, waitMs));
    waitMs = Math.min(waitMs * 2, 5000);
  }
}
if (app && stopping) {
  await app.close(0);
  process.exit(0);
}
console.log(`[worker] ${app!.runner!.ownerId} running tasks (concurrency ${config.tasks.concurrency}, per user ${config.tasks.perUserConcurrency})`);
void keepAlive;
