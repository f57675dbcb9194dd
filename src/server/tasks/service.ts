import { randomUUID } from "node:crypto";
import { badRequest, conflict, firstIssueMessage, notFound } from "../errors";
import { KEPT_INPUTS_PER_USER, type CreateTaskInput, type TaskResponse, type TaskSyncResponse } from "../../shared/tasks";
import type { InputFile, NewTask, TaskStore } from "./store";
import type { TaskTypes } from "./types";

/** Checks a new task's type and payload against its definition, then creates it. */
export async function createTask(
  store: TaskStore,
  types: TaskTypes,
  userId: string,
  input: CreateTaskInput,
  deviceId: string | null,
  inputFile?: InputFile,
) {
  const [one] = await createTasks(store, types, userId, [{ input, inputFile }], deviceId);
  return one!;
}

/** Several tasks, validated first, then created all at once or not at all. */
export async function createTasks(
  store: TaskStore,
  types: TaskTypes,
  userId: string,
  items: { input: CreateTaskInput; inputFile?: InputFile }[],
  deviceId: string | null,
) {
  return store.createMany(userId, items.map(({ input, inputFile }) => toNewTask(types, input, inputFile)), deviceId);
}

function toNewTask(types: TaskTypes, input: CreateTaskInput, inputFile?: InputFile): NewTask {
  const definition = types.get(input.type);
  if (!definition) {
    throw badRequest(`Unknown task type "${input.type}". Known types: ${types.names().join(", ")}.`, "unknown_task_type");
  }
  const payload = definition.payloadSchema.safeParse(input.payload ?? {});
  if (!payload.success) throw badRequest(firstIssueMessage(payload.error, "payload"), "invalid_payload");
  return {
    id: input.id ?? randomUUID(),
    type: input.type,
    title: input.title ?? definition.defaultTitle(payload.data),
    titleParams: input.title ? null : (definition.titleParams?.(payload.data) ?? null),
    payload: payload.data,
    inputFile,
  };
}

/** GET on the sync endpoint: one task (`taskId`), what changed since a cursor (`since`), or all (newest first). */
export async function readSync(store: TaskStore, userId: string, query: { since?: string; taskId?: string }): Promise<TaskResponse | TaskSyncResponse> {
  if (query.taskId) {
    const task = await store.get(userId, query.taskId);
    if (!task) throw notFound("Task not found.", "task_not_found");
    return { task };
  }
  return query.since === undefined ? store.list(userId) : store.changesSince(userId, Number(query.since));
}

/**
 * Starts a failed or cancelled task again as a new task (id `newId`) with the same type, title and input.
 * An import takes a copy of the file the server kept (the user's latest KEPT_INPUTS_PER_USER failed or
 * cancelled imports); an older one's file is gone (409 `input_gone`: choose the PDF again).
 */
export async function retryTask(store: TaskStore, types: TaskTypes, userId: string, taskId: string, newId: string, deviceId: string | null) {
  const was = await store.inputOf(userId, taskId);
  if (!was) throw notFound("Task not found.", "task_not_found");
  if (was.status !== "failed" && was.status !== "cancelled") {
    throw conflict("Only a failed or cancelled task can be retried.", "task_not_retryable", { status: was.status });
  }
  const definition = types.get(was.type);
  if (!definition) throw badRequest(`Unknown task type "${was.type}".`, "unknown_task_type");
  let inputFile: InputFile | undefined;
  if (definition.needsInputFile) {
    inputFile = (await store.keptInputFor(userId, taskId)) ?? undefined;
    if (!inputFile) {
      throw conflict(
        `The file of this import is no longer kept (only the latest ${KEPT_INPUTS_PER_USER} failed or cancelled imports keep theirs): choose the PDF again to import it.`,
        "input_gone",
      );
    }
  }
  return createTask(store, types, userId, { id: newId, type: was.type, title: was.titleParams ? undefined : was.title, payload: was.payload }, deviceId, inputFile);
}
