/**
 * Boots the database, migrations and the task runner with the server, before the first request.
 * A PostgreSQL server that is not reachable yet is waited for in the background (requests meanwhile
 * answer 5xx, then work); an embedded database held by another process stops this one with a message
 * naming the holder: two processes on one DATA_DIR would corrupt it.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getApp } = await import("./server/app");
  const { isTransientConnectionError } = await import("./server/db/client");
  const { DataDirLockedError } = await import("./server/db/data-dir-lock");
  try {
    await getApp();
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      console.error(`[cv-tasks] ${err.message}`);
      process.exit(1);
    }
    if (!isTransientConnectionError(err)) throw err;
    console.error(`[cv-tasks] the database is not reachable (${(err as Error).message}); retrying in the background`);
    void (async () => {
      for (let waitMs = 500; ; waitMs = Math.min(waitMs * 2, 5000)) {
        await new Promise((r) => setTimeout(r, waitMs));
        try {
          await getApp();
          console.error("[cv-tasks] connected to the database");
          return;
        } catch (e) {
          if (!isTransientConnectionError(e)) return console.error(`[cv-tasks] cannot start: ${(e as Error).message}`);
        }
      }
    })();
  }
}
