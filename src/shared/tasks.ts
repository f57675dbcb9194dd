/**
 * The background-task API contract, shared by the server and the browser client.
 * Nothing here may import server code.
 */
import { z } from "zod";

export const TASK_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const ACTIVE_STATUSES = ["queued", "running"] as const satisfies readonly TaskStatus[];
export const FINISHED_STATUSES = ["completed", "failed", "cancelled"] as const satisfies readonly TaskStatus[];

export const isActiveStatus = (s: TaskStatus) => (ACTIVE_STATUSES as readonly TaskStatus[]).includes(s);
export const isFinishedStatus = (s: TaskStatus) => !isActiveStatus(s);

export interface TaskError {
  message: string;
  code: string;
}

/** A stage a running task went through, and when it began (epoch ms). */
export interface TaskStageEntry {
  stage: string;
  at: number;
}

/** The input files of a user's latest failed or cancelled imports that the server keeps for a retry from any device. */
export const KEPT_INPUTS_PER_USER = 3;

/** A task records at most this many stages per attempt: handlers have a handful; the bound keeps a row small. */
export const MAX_TASK_STAGES = 20;

/**
 * A task as every API answer and push frame shows it: what a device renders, never the task's input
 * (`payload`: a job offer can be 50 KB), which only the worker reads. `result` is the job's small summary
 * (e.g. `{cvId, score, engine}`); the CV itself is fetched from /api/cvs.
 */
export interface BackgroundTask {
  id: string;
  type: string;
  /** As stored (English for generated titles): shown when `titleParams` is null. */
  title: string;
  /** What the UI builds the title from, in the reader's language, with the task's type ({file}, {subject}). */
  titleParams: Record<string, string> | null;
  status: TaskStatus;
  progress: number;
  stage: string | null;
  /** The current attempt's stages, in order, with when each began (the task center's timeline). */
  stages: TaskStageEntry[];
  result: unknown;
  error: TaskError | null;
  /** The last device that acted on the task. */
  deviceId: string | null;
  /** The server still holds the task's input file (an import), so any device can retry it. */
  inputKept: boolean;
  /** The device that created the task. */
  createdByDeviceId: string | null;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  cancelRequestedAt: number | null;
  attempts: number;
  version: number;
}

/** Response of GET /api/background-tasks/sync (full list or delta). */
export interface TaskSyncResponse {
  /** Pass back as `?since=` to get only what changed. */
  cursor: string;
  /** true: `tasks` is the whole list and replaces local state; false: a delta to merge. */
  full: boolean;
  tasks: BackgroundTask[];
  /** Ids deleted since the cursor (always empty for a full list). */
  deleted: string[];
}

export interface TaskResponse {
  task: BackgroundTask;
}

/** Tasks created together (`POST …/sync` with `{tasks}`, or one generation per offer), in the order asked. */
export interface TasksResponse {
  tasks: BackgroundTask[];
}

export interface PurgeResponse {
  deleted: number;
}

export interface DeleteResponse {
  deleted: true;
  taskId: string;
}

export interface ApiErrorBody {
  /** `fields`: with `invalid_fields`, each problem's field path and code (see shared/cv-fields.ts). */
  error: { code: string; message: string; status?: TaskStatus; fields?: { path: string; code: string; max?: number }[] };
}

export const taskIdSchema = z.uuid({ message: "taskId must be a UUID" });

export const cursorSchema = z
  .string()
  .regex(/^\d{1,15}$/, { message: "since must be a cursor returned by a previous sync" });

export const DEVICE_ID_HEADER = "X-Device-Id";
export const deviceIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,100}$/, { message: "X-Device-Id must be 1-100 letters, digits, '.', '_', ':' or '-'" });

export const createTaskSchema = z.object({
  id: taskIdSchema.optional(),
  type: z.string().min(1, { message: "type is required" }).max(100),
  title: z.string().trim().min(1).max(200).optional(),
  payload: z.unknown().optional(),
  // Any client-sent `status` (or other field) is stripped: the server alone owns a task's status.
});
export type CreateTaskInput = z.infer<typeof createTaskSchema>;

/** The most tasks one request may create together (each still counts against the user's active limit). */
export const MAX_TASKS_PER_REQUEST = 50;
export const createTasksSchema = z.object({
  tasks: z
    .array(createTaskSchema)
    .min(1, { message: "tasks must hold at least one task" })
    .max(MAX_TASKS_PER_REQUEST, { message: `at most ${MAX_TASKS_PER_REQUEST} tasks can be created in one request` }),
});

export const purgeBodySchema = z
  .object({ taskIds: z.array(taskIdSchema).max(1000).optional() })
  .optional();

export const DELETE_ACTIONS = ["cancel", "purge"] as const;
export const syncDeleteQuerySchema = z.object({
  taskId: taskIdSchema.optional(),
  action: z
    .enum(DELETE_ACTIONS, { message: `action must be one of: ${DELETE_ACTIONS.join(", ")} (or absent to delete)` })
    .optional(),
});

export const syncGetQuerySchema = z.object({
  since: cursorSchema.optional(),
  taskId: taskIdSchema.optional(),
});

/** POST /api/background-tasks/retry: start a failed or cancelled task again as a new task (`id`: its new id). */
export const retryTaskBodySchema = z.object({ taskId: taskIdSchema, id: taskIdSchema });
/** POST /api/background-tasks/restore: undo the deletion of a finished task, seconds after it. */
export const restoreTaskBodySchema = z.object({ taskId: taskIdSchema });
