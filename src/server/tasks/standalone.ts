import { runWorker as runOwnedWorker } from "./context";
import { createTaskControl } from "./registry";
import type { WorkerRunOptions } from "./types";

/** Runs a worker thread outside any task (request-time checks, scripts), still terminated on abort. */
export function runStandaloneWorker<T>(script: string, options: WorkerRunOptions, signal?: AbortSignal): Promise<T> {
  const control = createTaskControl();
  signal?.addEventListener("abort", () => {
    control.controller.abort(signal.reason);
    for (const w of control.workers) void w.terminate();
  });
  return runOwnedWorker<T>(control, script, options);
}
