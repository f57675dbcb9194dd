import { AppError } from "@/server/errors";
import { assertRoomForCvs } from "@/server/cv/repository";
import { CV_PRODUCING_TASK_TYPES, DIAGNOSTIC_TASK_TYPES } from "@/server/jobs";
import { deviceIdOf, json, parseWith, readJson } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { retryTask } from "@/server/tasks/service";
import { retryTaskBodySchema, type TaskResponse } from "@/shared/tasks";

export const dynamic = "force-dynamic";

/** Starts a failed or cancelled task again, as a new task with the same input (idempotent on the new id). */
export const POST = withUser(async ({ request, user, app }) => {
  const { taskId, id } = parseWith(retryTaskBodySchema, await readJson(request));
  const was = await app.store.inputOf(user.id, taskId);
  if (was && DIAGNOSTIC_TASK_TYPES.has(was.type) && !app.config.allowDiagnosticTasks) {
    throw new AppError(403, "diagnostic_tasks_disabled", `"${was.type}" is a diagnostic task type, disabled on this server.`);
  }
  if (was && CV_PRODUCING_TASK_TYPES.has(was.type)) await assertRoomForCvs(app.database.db, user.id);
  const { task } = await retryTask(app.store, app.types, user.id, taskId, id, deviceIdOf(request));
  return json({ task } satisfies TaskResponse, 202);
});
