import { spawn } from "node:child_process";
import { Worker } from "node:worker_threads";
import { terminateWorker, type TaskControl } from "./registry";
import { TaskFailure, type ChildResult, type ChildRunOptions, type WorkerRunOptions } from "./types";

const abortReason = (signal: AbortSignal) =>
  signal.reason instanceof Error ? signal.reason : new DOMException("The task was cancelled.", "AbortError");

/**
 * Runs a worker thread owned by the task: cancel terminates it at once (the registry calls terminate()),
 * and this promise rejects without waiting for the thread (the task's slot does wait for it). With `prewarm`, the thread comes from a pool
 * of warm threads and goes back to it after a clean result; any other ending terminates it.
 */
export function runWorker<T>(control: TaskControl, script: string | URL, options: WorkerRunOptions = {}): Promise<T> {
  const { signal } = control.controller;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const pooled = options.prewarm ? warmPool.take(script, options.resourceLimits) : null;
    const worker = pooled ?? spawnWorker(script, options.workerData, options.resourceLimits);
    control.workers.add(worker);
    let settled = false;
    const finish = (fn: () => void, reusable = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      worker.off("message", onMessage).off("error", onError).off("exit", onExit);
      control.workers.delete(worker);
      if (pooled && reusable && !signal.aborted) warmPool.give(script, options.resourceLimits, worker);
      else terminateWorker(control, worker);
      fn();
    };
    const onAbort = () => finish(() => reject(abortReason(signal)));
    const onMessage = (message: { type?: string; value?: unknown; message?: string; code?: string }) => {
      if (message?.type === "ready") return;
      if (message?.type === "result") finish(() => resolve(message.value as T), true);
      else if (message?.type === "error")
        finish(() => reject(new TaskFailure(message.code ?? "worker_error", message.message ?? "The worker failed.")), true);
      else options.onMessage?.(message);
    };
    const onError = (err: Error) => {
      const outOfMemory = (err as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY";
      finish(() =>
        reject(outOfMemory ? new TaskFailure("out_of_memory", "The work needed more memory than it is allowed and was stopped.") : err),
      );
    };
    const onExit = (code: number) =>
      finish(() => reject(new TaskFailure("worker_exited", `The worker stopped (exit code ${code}) before giving a result.`)));
    signal.addEventListener("abort", onAbort, { once: true });
    const timer = options.timeoutMs
      ? setTimeout(
          () => finish(() => reject(new TaskFailure("timeout", `The work took longer than ${Math.round(options.timeoutMs! / 1000)} s and was stopped.`))),
          options.timeoutMs,
        )
      : undefined;
    worker.on("message", onMessage).on("error", onError).on("exit", onExit);
    if (pooled) {
      pooled.ref();
      pooled.postMessage({ type: "job", workerData: options.workerData });
    }
  });
}

// execArgv: [] keeps loader flags of the parent (tsx, test runners) out of the thread.
const spawnWorker = (script: string | URL, workerData: unknown, resourceLimits: WorkerRunOptions["resourceLimits"]) =>
  new Worker(script, { workerData, resourceLimits, execArgv: [] });

/**
 * Warm threads, per script: pdf.js in a thread that has already parsed a document runs several times
 * faster than in a fresh one. A thread serves one job at a time, is owned by that job's task meanwhile
 * (cancel terminates it), and is retired after MAX_JOBS jobs so that no leak can grow.
 */
class WarmPool {
  private static readonly MAX_IDLE = 4;
  private static readonly MAX_JOBS = 50;
  private readonly idle = new Map<string, Worker[]>();
  private readonly jobs = new WeakMap<Worker, number>();

  private key(script: string | URL, limits: WorkerRunOptions["resourceLimits"]) {
    return `${String(script)}|${JSON.stringify(limits ?? {})}`;
  }

  take(script: string | URL, limits: WorkerRunOptions["resourceLimits"]): Worker {
    const key = this.key(script, limits);
    const worker = this.idle.get(key)?.pop() ?? this.spawn(key, script, limits);
    this.jobs.set(worker, (this.jobs.get(worker) ?? 0) + 1);
    return worker;
  }

  private spawn(key: string, script: string | URL, limits: WorkerRunOptions["resourceLimits"]) {
    const worker = spawnWorker(script, null, limits);
    // However it dies (terminated by a cancel, out of memory), it leaves the idle list.
    worker.once("exit", () => {
      const list = this.idle.get(key) ?? [];
      const at = list.indexOf(worker);
      if (at >= 0) list.splice(at, 1);
    });
    return worker;
  }

  give(script: string | URL, limits: WorkerRunOptions["resourceLimits"], worker: Worker) {
    const key = this.key(script, limits);
    const list = this.idle.get(key) ?? [];
    if (list.length >= WarmPool.MAX_IDLE || (this.jobs.get(worker) ?? 0) >= WarmPool.MAX_JOBS) {
      void worker.terminate();
      return;
    }
    worker.unref(); // an idle thread must not keep the process alive
    list.push(worker);
    this.idle.set(key, list);
  }
}

const warmPool = new WarmPool();

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
    child.on("error", (err) => {
      if (child.pid === undefined) control.children.delete(child); // never started
      finish(() => reject(err));
    });
    child.on("close", (exitCode, sig) => {
      control.children.delete(child);
      finish(() => resolve({ exitCode, signal: sig, ...out }));
    });
  });
}
