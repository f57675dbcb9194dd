import type { BackgroundTask, TaskResponse } from "@/shared/tasks";
import type { ApiClient } from "../../scripts/lib/api-client";

/** Polls a task through the sync API until `ok` holds; fails with its last state after `timeoutMs`. */
export async function untilTaskIs(client: ApiClient, id: string, ok: (t: BackgroundTask) => boolean, timeoutMs = 20_000): Promise<BackgroundTask> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await client.get<TaskResponse>(`/api/background-tasks/sync?taskId=${id}`);
    if (res.status === 200 && ok(res.body.task)) return res.body.task;
    if (Date.now() > deadline) throw new Error(`task ${id} never got there within ${timeoutMs} ms: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
