import type { ChildProcess } from "node:child_process";
import type { Worker } from "node:worker_threads";

/** Everything that must be stopped to stop one running task. */
export interface TaskControl {
  readonly controller: AbortController;
  /** Worker threads the task runs now (terminated on stop). */
  readonly workers: Set<Worker>;
  /** Child processes the task owns until they exit (SIGTERM, then SIGKILL, on stop). */
  readonly children: Set<ChildProcess>;
  /** Threads and processes told to stop that have not ended yet: the task's slot waits for them. */
  readonly exiting: Set<Promise<void>>;
}

export function createTaskControl(): TaskControl {
  return { controller: new AbortController(), workers: new Set(), children: new Set(), exiting: new Set() };
}

/** Resolves once the thread has ended (terminate() resolves at its exit). */
export function terminateWorker(control: TaskControl, worker: Worker): void {
  const exited = worker.terminate().then(
    () => {},
    () => {},
  );
  control.exiting.add(exited);
  void exited.then(() => control.exiting.delete(exited));
}

/** Resolves once the child process has exited (at once if it already has). */
export function childExit(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    // A child that failed to spawn never emits exit.
    child.once("error", () => {
      if (child.pid === undefined) resolve();
    });
  });
}

/**
 * Maps each running task to what stops it: its AbortController, its worker threads (terminated) and its
 * child processes (SIGTERM, then SIGKILL after a grace period). Stopping a task's work is awaitable:
 * `release` resolves only when every thread has terminated and every child has exited, and the runner
 * keeps the task's lease (and its user's slot) until then.
 */
export class TaskProcessRegistry {
  private readonly controls = new Map<string, TaskControl>();

  constructor(private readonly killGraceMs = 2000) {}

  /** Registers a task about to run here. A task runs at most once per process: the runner never claims a task still registered. */
  register(taskId: string): TaskControl {
    if (this.controls.has(taskId)) throw new Error(`Task ${taskId} is already registered`);
    const control = createTaskControl();
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

  /** Stops a task's work now (without waiting). Returns false when this process does not run the task. */
  abort(taskId: string, reason: unknown = new TaskAbortedError()): boolean {
    const control = this.controls.get(taskId);
    if (!control) return false;
    this.stop(control, reason);
    return true;
  }

  /**
   * Forgets the task once its work has stopped: stops anything it left behind, however it ended, and
   * resolves when every child has exited and every thread has terminated.
   */
  async release(taskId: string): Promise<void> {
    const control = this.controls.get(taskId);
    if (!control) return;
    if (control.workers.size > 0 || control.children.size > 0) this.stop(control, new TaskAbortedError("The task ended."));
    await this.stopped(control);
    this.controls.delete(taskId);
  }

  /** Resolves when nothing of the task is left running. */
  private async stopped(control: TaskControl) {
    while (control.exiting.size > 0 || control.children.size > 0) {
      await Promise.all([...control.exiting, ...[...control.children].map(childExit)]);
      for (const child of control.children) if (hasExited(child) || child.pid === undefined) control.children.delete(child);
    }
  }

  private stop(control: TaskControl, reason: unknown) {
    if (!control.controller.signal.aborted) control.controller.abort(reason);
    for (const worker of control.workers) terminateWorker(control, worker);
    control.workers.clear();
    for (const child of control.children) this.kill(child);
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

  /** Puts a child the task spawned itself under the task's control; returns the function that gives it back. */
  adopt(control: TaskControl, child: ChildProcess): () => void {
    control.children.add(child);
    const forget = () => void control.children.delete(child);
    child.once("exit", forget);
    if (control.controller.signal.aborted) this.kill(child);
    return () => {
      child.off("exit", forget);
      forget();
    };
  }
}

export const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

export class TaskAbortedError extends Error {
  constructor(message = "The task was cancelled.") {
    super(message);
    this.name = "AbortError";
  }
}
