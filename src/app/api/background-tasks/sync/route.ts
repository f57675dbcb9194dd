import { AppError, badRequest, notFound } from "@/server/errors";
import { assertRoomForCvs } from "@/server/cv/repository";
import { CV_PRODUCING_TASK_TYPES, DIAGNOSTIC_TASK_TYPES } from "@/server/jobs";
import { deviceIdOf, json, parseWith, queryOf, readJson } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { createTask } from "@/server/tasks/service";
import {
  createTaskSchema,
  purgeBodySchema,
  syncDeleteQuerySchema,
  syncGetQuerySchema,
  type DeleteResponse,
  type PurgeResponse,
  type TaskResponse,
  type TaskSyncResponse,
} from "@/shared/tasks";

export const dynamic = "force-dynamic";

/** The caller's tasks: all (newest first), one (`taskId`), or what changed since a cursor (`since`). */
export const GET = withUser(async ({ request, user, app }) => {
  const query = parseWith(syncGetQuerySchema, queryOf(request));
  if (query.taskId) {
    const task = await app.store.get(user.id, query.taskId);
    if (!task) throw notFound("Task not found.", "task_not_found");
    return json({ task } satisfies TaskResponse);
  }
  const body: TaskSyncResponse =
    query.since === undefined ? await app.store.list(user.id) : await app.store.changesSince(user.id, Number(query.since));
  return json(body);
});

/** Creates a task (idempotent on a client-chosen id). The server alone sets its status. */
export const POST = withUser(async ({ request, user, app }) => {
  const input = parseWith(createTaskSchema, await readJson(request));
  if (DIAGNOSTIC_TASK_TYPES.has(input.type) && !app.config.allowDiagnosticTasks) {
    throw new AppError(
      403,
      "diagnostic_tasks_disabled",
      `"${input.type}" is a diagnostic task type, disabled on this server (ALLOW_DIAGNOSTIC_TASKS=true enables it).`,
    );
  }
  if (CV_PRODUCING_TASK_TYPES.has(input.type)) await assertRoomForCvs(app.database.db, user.id);
  const { task } = await createTask(app.store, app.types, user.id, input, deviceIdOf(request));
  return json({ task } satisfies TaskResponse, 202);
});

/** `?taskId&action=cancel` cancels; `?taskId` deletes; `?action=purge` deletes finished tasks. */
export const DELETE = withUser(async ({ request, user, app }) => {
  const { taskId, action } = parseWith(syncDeleteQuerySchema, queryOf(request));
  const deviceId = deviceIdOf(request);
  if (action === "purge") {
    // Only the tasks named (?taskId=, or {taskIds} in the body) when any are; every finished task otherwise.
    const body = parseWith(purgeBodySchema, await readJson(request, { optional: true }));
    const named = taskId || body?.taskIds ? [...(taskId ? [taskId] : []), ...(body?.taskIds ?? [])] : undefined;
    return json({ deleted: await app.store.purge(user.id, named) } satisfies PurgeResponse);
  }
  if (!taskId) throw badRequest(action === "cancel" ? "taskId is required to cancel a task." : "taskId is required to delete a task.");
  if (action === "cancel") return json({ task: await app.store.cancel(user.id, taskId, deviceId) } satisfies TaskResponse);
  await app.store.delete(user.id, taskId);
  return json({ deleted: true, taskId } satisfies DeleteResponse);
});
