import type { ChildProcess } from "node:child_process";
import type { Worker } from "node:worker_threads";

/** Everything that must be stopped to stop one running task. */
export interface TaskControl {
  readonly controller: AbortController;
  readonly workers: Set<Worker>;
  readonly children: Set<ChildProcess>;
}

/**
 * Maps each running task to what stops it: its AbortController, its worker threads (terminated) and its
 * child processes (SIGTERM, then SIGKILL after a grace period).
 */
export class TaskProcessRegistry {
  private readonly controls = new Map<string, TaskControl>();

  constructor(private readonly killGraceMs = 2000) {}

  register(taskId: string): TaskControl {
    if (this.controls.has(taskId)) throw new Error(`Task ${taskId} is already registered`);
    const control: TaskControl = { controller: new AbortController(), workers: new Set(), children: new Set() };
    this.controls.set(taskId, control);
    return control;
  }

  get(taskId: string): TaskControl | undefined {
    return this.controls.get(taskId);
  }

  has(taskId: string): boolean {
    return this.controls.has(taskId);
  }

  runningTaskIds(): string[] {
    return [...this.controls.keys()];
  }

  /** Stops a task's work now. Returns false when this process does not run the task. */
  abort(taskId: string, reason: unknown = new TaskAbortedError()): boolean {
    const control = this.controls.get(taskId);
    if (!control) return false;
    this.stop(control, reason);
    return true;
  }

  /** Forgets the task, stopping anything it left behind, however it ended. */
  release(taskId: string): void {
    const control = this.controls.get(taskId);
    if (!control) return;
    this.controls.delete(taskId);
    if (control.workers.size > 0 || control.children.size > 0) this.stop(control, new TaskAbortedError("The task ended."));
  }

  private stop(control: TaskControl, reason: unknown) {
    if (!control.controller.signal.aborted) control.controller.abort(reason);
    for (const worker of control.workers) void worker.terminate();
    control.workers.clear();
    for (const child of control.children) this.kill(child);
    control.children.clear();
  }

  private kill(child: ChildProcess) {
    if (hasExited(child)) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => {
      if (!hasExited(child)) child.kill("SIGKILL");
    }, this.killGraceMs);
    timer.unref();
    child.once("exit", () => clearTimeout(timer));
  }
}

export const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

export class TaskAbortedError extends Error {
  constructor(message = "The task was cancelled.") {
    super(message);
    this.name = "AbortError";
  }
}
