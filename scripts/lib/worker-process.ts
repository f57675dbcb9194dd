import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export interface WorkerProcess {
  process: ChildProcess;
  output(): string;
  /** Resolves once the worker says it is running tasks. */
  ready: Promise<void>;
  /** Its runner's id (the lease owner it writes), once ready. */
  ownerId(): string | null;
  /** Whether the process is still there (not exited, not killed). */
  alive(): boolean;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a worker the way `npm run worker` does, as one process (`node --import tsx`, not the tsx CLI,
 * which would run the worker in a child that signals such as SIGKILL and SIGSTOP never reach).
 */
export function startWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/worker.ts")], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const onData = (d: Buffer) => {
    output += d.toString();
    if (output.includes("running tasks")) markReady();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once("exit", (code, signal) => r({ code, signal })),
  );
  return {
    process: child,
    output: () => output,
    ownerId: () => /\[worker\] (\S+) running tasks/.exec(output)?.[1] ?? null,
    alive: () => child.exitCode === null && child.signalCode === null,
    exited,
    ready: Promise.race([ready, exited.then(() => Promise.reject(new Error(`worker exited:\n${output}`)))]),
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) {
        if (signal !== "SIGKILL") child.kill("SIGCONT");
        child.kill(signal);
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
