/** Boots the database, migrations and the task runner with the server, before the first request. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { getApp } = await import("./server/app");
    await getApp();
  }
}
