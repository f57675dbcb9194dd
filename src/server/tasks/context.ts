import { spawn } from "node:child_process";
import { Worker } from "node:worker_threads";
import type { TaskControl } from "./registry";
import { TaskFailure, type ChildResult, type ChildRunOptions, type WorkerRunOptions } from "./types";

const abortReason = (signal: AbortSignal) =>
  signal.reason instanceof Error ? signal.reason : new DOMException("The task was cancelled.", "AbortError");

/**
 * Runs a worker thread owned by the task: cancel terminates it at once (the registry calls terminate()),
 * and this promise rejects without waiting for the thread.
 */
export function runWorker<T>(control: TaskControl, script: string | URL, options: WorkerRunOptions = {}): Promise<T> {
  const { signal } = control.controller;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    // execArgv: [] keeps loader flags of the parent (tsx, test runners) out of the thread.
    const worker = new Worker(script, { workerData: options.workerData, resourceLimits: options.resourceLimits, execArgv: [] });
    control.workers.add(worker);
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      control.workers.delete(worker);
      void worker.terminate();
      fn();
    };
    const onAbort = () => finish(() => reject(abortReason(signal)));
    signal.addEventListener("abort", onAbort, { once: true });
    const timer = options.timeoutMs
      ? setTimeout(
          () => finish(() => reject(new TaskFailure("timeout", `The work took longer than ${Math.round(options.timeoutMs! / 1000)} s and was stopped.`))),
          options.timeoutMs,
        )
      : undefined;

    worker.on("message", (message: { type?: string; value?: unknown; message?: string; code?: string }) => {
      if (message?.type === "result") finish(() => resolve(message.value as T));
      else if (message?.type === "error")
        finish(() => reject(new TaskFailure(message.code ?? "worker_error", message.message ?? "The worker failed.")));
      else options.onMessage?.(message);
    });
    worker.on("error", (err) => {
      const outOfMemory = (err as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY";
      finish(() =>
        reject(outOfMemory ? new TaskFailure("out_of_memory", "The work needed more memory than it is allowed and was stopped.") : err),
      );
    });
    worker.on("exit", (code) =>
      finish(() => reject(new TaskFailure("worker_exited", `The worker stopped (exit code ${code}) before giving a result.`))),
    );
  });
}

/** Runs a child process owned by the task: cancel sends SIGTERM, then SIGKILL after the grace period. */
export function runChild(
  control: TaskControl,
  command: string,
  args: string[],
  options: ChildRunOptions = {},
): Promise<ChildResult> {
  const { signal } = control.controller;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  const maxBytes = options.maxOutputBytes ?? 10 * 1024 * 1024;
  return new Promise<ChildResult>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
    control.children.add(child);
    const out = { stdout: "", stderr: "" };
    const collect = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
      if (out[stream].length < maxBytes) out[stream] += chunk.toString("utf8").slice(0, maxBytes - out[stream].length);
    };
    child.stdout.on("data", collect("stdout"));
    child.stderr.on("data", collect("stderr"));
    child.stdin.on("error", () => {}); // the child may exit before reading its input
    child.stdin.end(options.input ?? "");

    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      fn();
    };
    // The registry sends the signals; the task stops waiting at once.
    const onAbort = () => finish(() => reject(abortReason(signal)));
    signal.addEventListener("abort", onAbort, { once: true });
    const timer = options.timeoutMs
      ? setTimeout(() => {
          child.kill("SIGKILL");
          finish(() => reject(new TaskFailure("timeout", `The process took longer than ${Math.round(options.timeoutMs! / 1000)} s and was stopped.`)));
        }, options.timeoutMs)
      : undefined;
    child.on("error", (err) => finish(() => reject(err)));
    child.on("close", (exitCode, sig) => {
      control.children.delete(child);
      finish(() => resolve({ exitCode, signal: sig, ...out }));
    });
  });
}
