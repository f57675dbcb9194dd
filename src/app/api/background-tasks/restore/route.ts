import { deviceIdOf, json, parseWith, readJson } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { restoreTaskBodySchema, type TaskResponse } from "@/shared/tasks";

export const dynamic = "force-dynamic";

/** Undoes the deletion of a finished task, within seconds of it: the task comes back on every device. */
export const POST = withUser(async ({ request, user, app }) => {
  const { taskId } = parseWith(restoreTaskBodySchema, await readJson(request));
  return json({ task: await app.store.restore(user.id, taskId, deviceIdOf(request)) } satisfies TaskResponse);
});
