/** Memory of a process tree read from /proc: the server apart from its pdf.js processes. */
import fs from "node:fs";

const MB = 1024 * 1024;

function readStat(pid: number): { ppid: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "latin1");
    // The command name (2nd field) may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]) };
  } catch {
    return null;
  }
}

export function rssBytes(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "latin1"))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

const isPdfProcess = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "latin1").includes("pdf-child.mjs");
  } catch {
    return false;
  }
};

/** `root` and every process below it. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const all: number[] = [];
  const walk = (pid: number) => {
    all.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return all;
}

/**
 * Samples a server's process tree every `everyMs`: the RSS of the server process itself and the peak of
 * each pdf.js process. (Other descendants are left out: a process just forked, before it runs its own
 * program, shows the whole RSS of its parent.)
 */
export function treeSampler(root: number, everyMs = 10) {
  const pdfPids = new Set<number>();
  const sample = () => {
    let server = 0;
    let pdf = 0;
    for (const pid of processTree(root)) {
      if (pdfPids.has(pid) || isPdfProcess(pid)) {
        pdfPids.add(pid);
        pdf = Math.max(pdf, rssBytes(pid));
      } else if (pid === root) server = rssBytes(pid);
    }
    return { server, pdf };
  };
  const baseline = sample().server;
  let serverPeak = baseline;
  let pdfPeak = 0;
  const timer = setInterval(() => {
    const s = sample();
    serverPeak = Math.max(serverPeak, s.server);
    pdfPeak = Math.max(pdfPeak, s.pdf);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { serverGrowthMb: Math.round((serverPeak - baseline) / MB), pdfPeakMb: Math.round(pdfPeak / MB), pdfProcesses: pdfPids.size };
    },
  };
}
