import { randomUUID } from "node:crypto";
import { badRequest, firstIssueMessage } from "../errors";
import type { CreateTaskInput } from "../../shared/tasks";
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
    payload: payload.data,
    inputFile,
  };
}
