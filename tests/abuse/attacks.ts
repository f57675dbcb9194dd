/** What the abuse suite and bench:abuse share: memory readings of the server, and request bodies streamed without end. */
import fs from "node:fs";
import http from "node:http";

/** The resident memory of a process, in MB (from /proc). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Samples a process's RSS every `intervalMs` until stopped; `peak()` is the highest reading. */
export function watchRss(pid: number, intervalMs = 10) {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // the process is gone
    }
  }, intervalMs);
  return {
    peak: () => peak,
    stop(): number {
      clearInterval(timer);
      try {
        peak = Math.max(peak, rssMb(pid));
      } catch {
        // gone
      }
      return peak;
    },
  };
}

export interface StreamResult {
  status: number;
  body: string;
  /** Bytes written before the server answered. */
  sentBytes: number;
  ms: number;
}

/**
 * POSTs a body of `totalBytes` (chunked, no Content-Length, unless `declareLength`), 1 MiB at a time, and
 * stops sending as soon as the server answers. Resolves with the answer.
 */
export function streamBody(opts: {
  url: string;
  path: string;
  headers: Record<string, string>;
  totalBytes: number;
  /** The first bytes (a multipart preamble, a JSON opening); the rest is filler. */
  prefix?: string;
  declareLength?: boolean;
  /** Send the headers only, then wait for the answer (with declareLength: an oversized upload never sent). */
  headersOnly?: boolean;
}): Promise<StreamResult> {
  const target = new URL(opts.path, opts.url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request({
      host: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      method: "POST",
      headers: { ...opts.headers, ...(opts.declareLength ? { "content-length": String(opts.totalBytes) } : {}) },
    });
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, sentBytes: sent, ms: Date.now() - started });
      });
    });
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    if (opts.headersOnly) {
      req.flushHeaders();
      return;
    }
    const filler = Buffer.alloc(1 << 20, 0x61);
    let first = opts.prefix ? Buffer.from(opts.prefix) : null;
    const pump = () => {
      while (!answered && sent < opts.totalBytes) {
        const chunk = first ?? filler;
        first = null;
        sent += chunk.byteLength;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}
