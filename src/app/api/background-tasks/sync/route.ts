import { AppError, badRequest } from "@/server/errors";
import { assertRoomForCvs } from "@/server/cv/repository";
import { CV_PRODUCING_TASK_TYPES, DIAGNOSTIC_TASK_TYPES } from "@/server/jobs";
import { deviceIdOf, json, parseWith, queryOf, readJson } from "@/server/http/respond";
import { withUser } from "@/server/http/with-user";
import { createTasks, readSync } from "@/server/tasks/service";
import {
  createTaskSchema,
  createTasksSchema,
  purgeBodySchema,
  syncDeleteQuerySchema,
  syncGetQuerySchema,
  type DeleteResponse,
  type PurgeResponse,
  type TaskResponse,
  type TasksResponse,
} from "@/shared/tasks";

export const dynamic = "force-dynamic";

/**
 * The caller's tasks: all (newest first), one (`taskId`), or what changed since a cursor (`since`). The app's
 * server answers this GET before Next.js (src/server/http/hot-path.ts); this route serves `next dev`.
 */
export const GET = withUser(async ({ request, user, app }) => json(await readSync(app.store, user.id, parseWith(syncGetQuerySchema, queryOf(request)))));

/**
 * Creates a task, or several together (`{tasks: [...]}`, all or none), idempotent on client-chosen ids. The
 * server alone sets their status.
 */
export const POST = withUser(async ({ request, user, app }) => {
  const body = await readJson(request);
  const batch = typeof body === "object" && body !== null && "tasks" in body;
  const inputs = batch ? parseWith(createTasksSchema, body).tasks : [parseWith(createTaskSchema, body)];
  const diagnostic = inputs.find((input) => DIAGNOSTIC_TASK_TYPES.has(input.type));
  if (diagnostic && !app.config.allowDiagnosticTasks) {
    throw new AppError(
      403,
      "diagnostic_tasks_disabled",
      `"${diagnostic.type}" is a diagnostic task type, disabled on this server (ALLOW_DIAGNOSTIC_TASKS=true enables it).`,
    );
  }
  const producingCvs = inputs.filter((input) => CV_PRODUCING_TASK_TYPES.has(input.type)).length;
  if (producingCvs > 0) await assertRoomForCvs(app.database.db, user.id, producingCvs);
  const results = await createTasks(app.store, app.types, user.id, inputs.map((input) => ({ input })), deviceIdOf(request));
  const tasks = results.map((r) => r.task);
  return batch ? json({ tasks } satisfies TasksResponse, 202) : json({ task: tasks[0]! } satisfies TaskResponse, 202);
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
