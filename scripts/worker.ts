/**
 * A standalone worker: runs tasks from the PostgreSQL queue, serves no HTTP.
 * SIGTERM (or SIGINT): stop claiming, let running tasks finish within TASK_SHUTDOWN_GRACE_MS, then put
 * what is left back in the queue for another worker, and exit.
 */
import { createApp } from "../src/server/app";
import { loadConfig } from "../src/server/config";

const config = loadConfig();
if (!config.databaseUrl) {
  console.error("npm run worker needs DATABASE_URL (a PostgreSQL server): the embedded database belongs to the web process.");
  process.exit(2);
}
const app = await createApp({ ...config, runnerEnabled: true });
console.log(`[worker] ${app.runner!.ownerId} running tasks (concurrency ${config.tasks.concurrency}, per user ${config.tasks.perUserConcurrency})`);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: finishing running tasks (up to ${config.tasks.shutdownGraceMs} ms), then releasing them`);
    void app.close(config.tasks.shutdownGraceMs).then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
