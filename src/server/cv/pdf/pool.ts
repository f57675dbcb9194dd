import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { TaskFailure } from "../../tasks/types";

/**
 * pdf.js runs in child processes, never in the server: a PDF can make it allocate any amount of memory
 * (a stream that inflates to gigabytes grows one ArrayBuffer, which no V8 heap limit counts), so each
 * process is watched and killed as soon as its resident memory, everything included, passes the ceiling.
 * Two watchdogs: this process polls /proc/<pid>/status, and a thread inside the child checks its own RSS
 * (it keeps running while pdf.js spins, and while this event loop is busy). Processes are kept warm and
 * reused (a warm pdf.js reads a CV several times faster than a fresh one) and retired after MAX_JOBS jobs
 * or when they have grown.
 */

/** Loaded by path so that no bundler touches it. `next start` and the scripts run from the project root. */
export const PDF_CHILD_SCRIPT = path.join(process.cwd(), "src/server/cv/pdf/pdf-child.mjs");
const PDFJS_DIR = path.join(process.cwd(), "node_modules/pdfjs-dist");

export const PDF_MEMORY_LIMIT_MB = 512;

/** How long a new pdf.js process may take to start before its job is given up. */
const STARTUP_LIMIT_MS = 60_000;

export interface PdfPoolOptions {
  /** Resident memory a pdf.js process may use, ArrayBuffers included. */
  memoryLimitMb?: number;
  /** How often this process reads the RSS of a busy child. */
  watchdogMs?: number;
  /** The child's own watchdog thread (tests turn it off to check the other one alone). */
  selfWatch?: boolean;
  /**
   * Warm processes kept between jobs. Enough for the work that runs at once (the runner's imports and the
   * upload checks) so that a burst of uploads reuses them: starting a process (fork and exec) blocks this
   * event loop for 10-250 ms each time, and one killed only to be started again costs that twice.
   */
  maxIdle?: number;
  /** A warm process beyond the first that stays unused this long is retired (its memory returned). */
  idleMs?: number;
  maxJobs?: number;
  /** An idle process above this RSS is retired rather than reused. */
  retireRssMb?: number;
  script?: string;
}

export interface PdfJobOptions {
  /** Aborting kills the process at once; the promise settles once it has exited. */
  signal?: AbortSignal;
  timeoutMs: number;
  /** Puts the busy process under a task's control (cancel kills it); returns how to give it back. */
  adopt?: (child: ChildProcess) => () => void;
  onMessage?: (message: { type?: string; [k: string]: unknown }) => void;
}

/** A PDF's bytes: in memory, or a file on disk that the pdf.js process reads itself (nothing of it passes here). */
export type PdfSource = { data: Uint8Array } | { path: string };

export interface PdfJob {
  source: PdfSource;
  maxPages: number;
  /** inspect: the page count (and /Encrypt); text: positioned text; cv: the text read to the end (see pdf-child.mjs). */
  mode: "inspect" | "text" | "cv";
}

/** The stable code of a PDF that needs more memory than the ceiling. */
export const TOO_LARGE_CODE = "pdf_too_large_decompressed";
export const tooLargeMessage = (limitMb: number) =>
  `This PDF expands to more than ${limitMb} MB when decompressed, far more than a CV needs. Export it again from your editor (or print it to a new PDF) and upload that.`;

const MEMORY_MARKERS = ["pdf-child: memory limit exceeded", "heap out of memory", "Reached heap limit"];

/** Resident memory of a process in bytes, from /proc (null when it cannot be read: gone, or not Linux). */
export function rssOf(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "latin1");
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

class PdfProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  jobs = 0;
  peakRss = 0;
  /** Retires it when it has been idle too long (set while it is parked). */
  idleTimer: NodeJS.Timeout | null = null;
  /** Settles once it has loaded pdf.js and said so. */
  readonly ready: Promise<void>;
  isReady = false;
  private stderrTail = "";

  constructor(script: string, memoryLimitMb: number, selfWatch: boolean) {
    this.child = spawn(process.execPath, [`--max-old-space-size=${memoryLimitMb}`, "--max-semi-space-size=16", "--expose-gc", script], {
      cwd: process.cwd(),
      // Nothing of the server's environment (secrets, database URL) reaches a process that reads hostile files.
      env: { NODE_ENV: process.env.NODE_ENV ?? "production", ...(selfWatch ? { PDF_CHILD_MEMORY_LIMIT_BYTES: String(memoryLimitMb * 1024 * 1024) } : {}) },
      stdio: ["pipe", "ignore", "pipe", "ipc"],
      serialization: "advanced",
    });
    this.child.stdin!.on("error", () => {}); // a killed process closes its end: its exit settles the job
    this.child.stderr!.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-4096);
    });
    this.child.on("error", () => {}); // a failed spawn shows as an exit
    // Below the server's priority: parsing PDFs must never starve the requests of other users of CPU.
    try {
      if (this.child.pid) os.setPriority(this.child.pid, 10);
    } catch {
      // not permitted here: the work still runs
    }
    this.exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
    this.ready = new Promise((resolve) => {
      const onReady = (message: { type?: string }) => {
        if (message?.type !== "ready") return;
        this.isReady = true;
        this.child.off("message", onReady);
        resolve();
      };
      this.child.on("message", onReady);
    });
  }

  get alive() {
    return this.child.exitCode === null && this.child.signalCode === null && this.child.connected;
  }

  /** Whether its end says it ran out of memory (its own watchdog, or V8's heap limit). */
  get diedOfMemory() {
    return MEMORY_MARKERS.some((m) => this.stderrTail.includes(m));
  }

  hold() {
    this.child.ref();
    (this.child.channel as { ref?: () => void } | undefined)?.ref?.();
    for (const stream of [this.child.stdin, this.child.stderr] as ({ ref?: () => void } | null)[]) stream?.ref?.();
  }

  /** An idle process must not keep the server (or a script) alive. */
  release() {
    this.child.unref();
    (this.child.channel as { unref?: () => void } | undefined)?.unref?.();
    for (const stream of [this.child.stdin, this.child.stderr] as ({ unref?: () => void } | null)[]) stream?.unref?.();
  }
}

export class PdfProcessPool {
  readonly memoryLimitMb: number;
  private readonly idle: PdfProcess[] = [];
  private readonly busy = new Set<PdfProcess>();
  private readonly opts: Required<PdfPoolOptions>;

  constructor(options: PdfPoolOptions = {}) {
    this.opts = {
      memoryLimitMb: PDF_MEMORY_LIMIT_MB,
      watchdogMs: 20,
      selfWatch: true,
      maxIdle: 6,
      idleMs: 60_000,
      maxJobs: 50,
      retireRssMb: 256,
      script: PDF_CHILD_SCRIPT,
      ...options,
    };
    this.memoryLimitMb = this.opts.memoryLimitMb;
  }

  /** Pids of the pdf.js processes, busy or idle (for tests and measurements). */
  pids(): number[] {
    return [...this.busy, ...this.idle].map((p) => p.child.pid).filter((pid): pid is number => pid !== undefined);
  }

  private spawn() {
    return new PdfProcess(this.opts.script, this.opts.memoryLimitMb, this.opts.selfWatch);
  }

  /** An idle process, unless it has grown (it collects its garbage after each job) or died; else a new one. */
  private take(): PdfProcess {
    for (;;) {
      const proc = this.idle.pop();
      if (!proc) return this.spawn();
      if (proc.idleTimer) clearTimeout(proc.idleTimer);
      proc.idleTimer = null;
      const rss = proc.child.pid ? rssOf(proc.child.pid) : null;
      if (proc.alive && (rss === null || rss <= this.opts.retireRssMb * 1024 * 1024)) return proc;
      proc.child.kill("SIGKILL");
    }
  }

  private giveBack(proc: PdfProcess) {
    if (!proc.alive || proc.jobs >= this.opts.maxJobs || this.idle.length >= this.opts.maxIdle) {
      proc.child.kill("SIGKILL");
      // A retired process leaves a fresh one that loads pdf.js now rather than when the next PDF comes.
      if (this.idle.length === 0 && this.opts.maxIdle > 0) this.park(this.spawn());
      return;
    }
    this.park(proc);
  }

  private park(proc: PdfProcess) {
    proc.release();
    this.idle.push(proc);
    proc.idleTimer = setTimeout(() => {
      proc.idleTimer = null;
      const at = this.idle.indexOf(proc);
      if (at < 0 || this.idle.length <= 1) return; // in use again, or the last warm one
      this.idle.splice(at, 1);
      proc.child.kill("SIGKILL");
    }, this.opts.idleMs);
    proc.idleTimer.unref();
  }

  /** Runs one job in a warm (or new) process under the memory ceiling, the time limit and the signal. */
  run<T>(job: PdfJob, options: PdfJobOptions): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const proc = this.take();
    proc.jobs++;
    proc.hold();
    this.busy.add(proc);
    const giveBackToTask = options.adopt?.(proc.child);
    const limitBytes = this.opts.memoryLimitMb * 1024 * 1024;

    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let killedFor: "memory" | "timeout" | "cancel" | null = null;

      const cleanup = () => {
        settled = true;
        clearInterval(watchdog);
        clearTimeout(timer);
        clearTimeout(startup);
        signal?.removeEventListener("abort", onAbort);
        proc.child.off("message", onMessage).off("close", onExit);
        this.busy.delete(proc);
      };
      // A clean answer: the process goes back to the pool, no longer the task's.
      const answer = (fn: () => void) => {
        if (settled) return;
        cleanup();
        giveBackToTask?.();
        this.giveBack(proc);
        fn();
      };
      // Anything else: the process is killed, and the promise settles once it has really exited.
      const kill = (why: "memory" | "timeout" | "cancel") => {
        if (settled || killedFor) return;
        killedFor = why;
        proc.child.kill("SIGKILL");
      };
      const onAbort = () => kill("cancel");
      const onMessage = (message: { type?: string; value?: unknown; code?: string; message?: string }) => {
        if (message?.type === "ready") return;
        if (message?.type === "result") answer(() => resolve(message.value as T));
        else if (message?.type === "error")
          answer(() => reject(new TaskFailure(message.code ?? "unreadable_pdf", message.message ?? "The PDF could not be read.")));
        else options.onMessage?.(message);
      };
      const onExit = (code: number | null, sig: NodeJS.Signals | null) => {
        if (settled) return;
        cleanup();
        giveBackToTask?.();
        if (killedFor === "cancel" && signal) reject(abortReason(signal));
        else if (killedFor === "memory" || proc.diedOfMemory) reject(new TaskFailure(TOO_LARGE_CODE, tooLargeMessage(this.opts.memoryLimitMb)));
        else if (killedFor === "timeout")
          reject(new TaskFailure("pdf_timeout", `Reading this PDF took longer than ${Math.round(options.timeoutMs / 1000)} s and was stopped. Export it again from your editor and retry.`));
        else reject(new TaskFailure("pdf_reader_crashed", `The PDF reader stopped (${sig ?? `exit code ${code}`}) before giving a result. Export the PDF again from your editor and retry.`));
      };

      const pid = proc.child.pid;
      const watchdog = setInterval(() => {
        const rss = pid ? rssOf(pid) : null;
        if (rss === null) return;
        if (rss > proc.peakRss) proc.peakRss = rss;
        if (rss > limitBytes) kill("memory");
      }, this.opts.watchdogMs);
      // The PDF's time starts once the process has loaded pdf.js: a fresh one takes seconds on a loaded
      // machine, which is no fault of the file (and has a bound of its own).
      let timer: NodeJS.Timeout | undefined;
      const startup = proc.isReady ? undefined : setTimeout(() => kill("timeout"), STARTUP_LIMIT_MS);
      void proc.ready.then(() => {
        clearTimeout(startup);
        if (!settled && !killedFor) timer = setTimeout(() => kill("timeout"), options.timeoutMs);
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      // "close", not "exit": by then its stderr has been read to the end (its watchdog's last words).
      proc.child.on("message", onMessage).on("close", onExit);
      if (!proc.alive) return onExit(proc.child.exitCode, proc.child.signalCode);
      const sent = (err?: Error | null) => {
        if (err) proc.child.kill("SIGKILL"); // it is gone: its exit settles the job
      };
      const base = { type: "job", assetsDir: PDFJS_DIR, maxPages: job.maxPages, mode: job.mode };
      if ("path" in job.source) {
        proc.child.send({ ...base, path: job.source.path }, sent);
      } else {
        const { data } = job.source;
        proc.child.send({ ...base, size: data.byteLength }, sent);
        proc.child.stdin!.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength), sent);
      }
    });
  }

  /** Kills every process (tests, shutdown). */
  async close(): Promise<void> {
    const all = [...this.busy, ...this.idle.splice(0)];
    for (const p of all) {
      if (p.idleTimer) clearTimeout(p.idleTimer);
      p.hold(); // an idle process is unref'd: wait for its exit all the same
      p.child.kill("SIGKILL");
    }
    await Promise.all(all.map((p) => p.exited));
  }
}

const abortReason = (signal: AbortSignal) =>
  signal.reason instanceof Error ? signal.reason : new DOMException("The task was cancelled.", "AbortError");

const POOL = Symbol.for("cv-tasks.pdfProcessPool");

/** The process's pool (one per process, whatever the number of bundles that load this module). */
export function pdfPool(): PdfProcessPool {
  const holder = globalThis as { [POOL]?: PdfProcessPool };
  return (holder[POOL] ??= new PdfProcessPool());
}
