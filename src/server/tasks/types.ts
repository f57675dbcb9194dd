import type { ChildProcess } from "node:child_process";
import type { z } from "zod";
import type { Transaction } from "../db/client";
import type { TaskError } from "../../shared/tasks";

export interface WorkerRunOptions {
  workerData?: unknown;
  /** V8 heap limits for the thread: a runaway parse dies alone instead of taking the server down. */
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number; stackSizeMb?: number };
  /** Terminates the thread and fails the task with code `timeout` after this long. */
  timeoutMs?: number;
  /**
   * Use a pre-warmed thread: the script must accept its job as a `{ type: "job", workerData }` message
   * when started without workerData (and may post `{ type: "ready" }` first).
   */
  prewarm?: boolean;
  /** Messages the thread posts before its final `{ type: "result" }` or `{ type: "error" }`. */
  onMessage?: (message: unknown) => void;
}

export interface ChildRunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Data written to the child's standard input, which is then closed. */
  input?: string | Buffer;
  /** Kills the child and fails the task with code `timeout` after this long. */
  timeoutMs?: number;
  /** Output kept per stream; the rest is dropped. */
  maxOutputBytes?: number;
}

export interface ChildResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** What a task handler gets: its input, a signal that fires on cancel, and ways to run work under the task's control. */
export interface TaskContext<P> {
  taskId: string;
  userId: string;
  payload: P;
  /** 1 on the first run; higher when the task was re-queued after its runner died. */
  attempt: number;
  /** Aborted when the task is cancelled or lost: pass it to every async step. */
  signal: AbortSignal;
  /** Reports progress (0-100) and the current stage; writes are coalesced. */
  progress(percent: number, stage?: string): void;
  /** Runs a script in a worker thread that cancel terminates; resolves with its `{ type: "result", value }`. */
  runWorker<T>(script: string | URL, options?: WorkerRunOptions): Promise<T>;
  /** Runs a child process that cancel stops (SIGTERM, then SIGKILL after the grace period). */
  runChild(command: string, args: string[], options?: ChildRunOptions): Promise<ChildResult>;
  /**
   * Puts a child process the handler started itself (a warm helper process, say) under the task's
   * control until it exits or is handed back: a cancel, a lost lease or the end of the task sends it
   * SIGTERM, then SIGKILL after the grace period, and the task's slot frees only once it has exited.
   * Call the returned function to hand it back (for instance before returning a warm child to a pool);
   * a child still adopted when the handler returns is stopped like any leftover.
   */
  adoptChild(child: ChildProcess): () => void;
}

/**
 * What a handler returns. `commit` runs inside the transaction that marks the task completed, so rows it
 * writes exist if and only if the task completed; its return value becomes the task's result.
 */
export type TaskOutcome = { result: unknown } | { commit: (tx: Transaction) => Promise<unknown> };

export interface TaskDefinition<P = unknown> {
  type: string;
  payloadSchema: z.ZodType<P>;
  defaultTitle(payload: P): string;
  /** What the UI builds the default title from in the reader's language (see src/shared/task-titles.ts). */
  titleParams?(payload: P): Record<string, string>;
  /** Its input is an uploaded file (kept for a retry, see KEPT_INPUTS_PER_USER): a retry needs that file. */
  needsInputFile?: boolean;
  run(ctx: TaskContext<P>): Promise<TaskOutcome>;
}

const TASK_FAILURE = Symbol.for("cv-tasks.TaskFailure");

/** A failure with a message meant for the user and a machine code. */
export class TaskFailure extends Error {
  readonly [TASK_FAILURE] = true;

  static is(err: unknown): err is TaskFailure {
    return typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[TASK_FAILURE] === true;
  }

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "TaskFailure";
  }
}

export function toTaskError(err: unknown): TaskError {
  if (TaskFailure.is(err)) return { code: err.code, message: err.message };
  if (err instanceof Error && err.message) return { code: "internal_error", message: err.message };
  return { code: "internal_error", message: "The task failed for an unknown reason." };
}

/** The task types this process knows how to run. */
export class TaskTypes {
  private readonly definitions = new Map<string, TaskDefinition<unknown>>();

  constructor(definitions: TaskDefinition<never>[] = []) {
    for (const d of definitions) this.add(d);
  }

  add<P>(definition: TaskDefinition<P>): this {
    if (this.definitions.has(definition.type)) throw new Error(`Task type ${definition.type} is defined twice`);
    this.definitions.set(definition.type, definition as unknown as TaskDefinition<unknown>);
    return this;
  }

  get(type: string): TaskDefinition<unknown> | undefined {
    return this.definitions.get(type);
  }

  names(): string[] {
    return [...this.definitions.keys()];
  }
}
