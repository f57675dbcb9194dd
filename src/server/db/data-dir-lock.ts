/**
 * One process per embedded database. PGlite is PostgreSQL in one process, without PostgreSQL's postmaster
 * interlock: two processes opening the same directory each write their own view of it (split brain), and
 * the files end up corrupt. So the directory is locked before PGlite opens it.
 *
 * The lock is a Unix socket bound in Linux's abstract namespace, named after the directory's device and
 * inode. Binding is atomic and exclusive, and the kernel releases the name when the process dies, whatever
 * kills it (kill -9 included): there is no stale lock to detect or take over, hence no race in taking it
 * over, and a recycled pid cannot fool it. The holder answers whoever connects with who it is (pid, host,
 * start time, command), so a refused process can name it; the same description is written to `lock.json`
 * for operators. Elsewhere than Linux (no abstract namespace), the socket is a file in the directory: a
 * stale file is recognised by a refused connection and replaced (two processes replacing the same stale
 * file at the same instant could both win there; on Linux they cannot).
 *
 * Limits: the lock is per host (a directory on a network file system shared by two machines is not
 * protected), and per network namespace on Linux (two containers sharing the directory need to share it).
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    super(
      holder
        ? `The embedded database in ${dataDir} is already in use by process ${holder.pid} on ${holder.host}, started at ${holder.startedAt} (${holder.command}). ` +
            "Only one process may open it: stop that process first, or give this one another DATA_DIR (or a DATABASE_URL)."
        : `The embedded database in ${dataDir} is already in use by another process (it did not say which). ` +
            "Only one process may open it: stop that process first, or give this one another DATA_DIR (or a DATABASE_URL).",
    );
    this.name = "DataDirLockedError";
  }
}

export interface DataDirLock {
  holder: LockHolder;
  release(): Promise<void>;
}

const ABSTRACT = process.platform === "linux";

function addressOf(dir: string): string {
  if (!ABSTRACT) return path.join(dir, ".lock.sock");
  const st = fs.statSync(dir, { bigint: true });
  return `\0cv-tasks-pglite-${st.dev.toString(16)}-${st.ino.toString(16)}`;
}

function listen(server: net.Server, address: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const onError = (err: NodeJS.ErrnoException) => resolve(err);
    server.once("error", onError);
    server.listen({ path: address, exclusive: true }, () => {
      server.off("error", onError);
      resolve(null);
    });
  });
}

/** Asks the holder who it is; null if it does not answer (frozen, say) within `timeoutMs`. */
function askHolder(address: string, timeoutMs = 2000): Promise<{ refused: boolean; holder: LockHolder | null }> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: address });
    let data = "";
    const done = (refused: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      let holder: LockHolder | null = null;
      try {
        holder = data ? (JSON.parse(data) as LockHolder) : null;
      } catch {
        holder = null;
      }
      resolve({ refused, holder });
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on("data", (d: Buffer) => (data += d.toString()));
    socket.on("end", () => done(false));
    socket.on("error", (err: NodeJS.ErrnoException) => done(err.code === "ECONNREFUSED" || err.code === "ENOENT"));
  });
}

function readLockFile(dir: string): LockHolder | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "lock.json"), "utf8")) as LockHolder;
  } catch {
    return null;
  }
}

/** Takes the directory's lock, or throws DataDirLockedError naming the process that holds it. */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  fs.mkdirSync(dir, { recursive: true });
  const address = addressOf(dir);
  const holder: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    command: process.argv.slice(1).map((a) => path.basename(a)).join(" ").slice(0, 200),
  };
  const description = JSON.stringify(holder);
  const server = net.createServer((socket) => socket.end(description));
  server.on("error", () => {}); // after listening: nothing to report (the lock stays held until close)

  for (let attempt = 0; ; attempt++) {
    const err = await listen(server, address);
    if (!err) break;
    if (err.code !== "EADDRINUSE") throw err;
    const answer = await askHolder(address);
    // A socket file left by a dead process (only without the abstract namespace): replace it, once.
    if (answer.refused && !ABSTRACT && attempt === 0) {
      fs.rmSync(address, { force: true });
      continue;
    }
    throw new DataDirLockedError(dir, answer.holder ?? readLockFile(dir));
  }
  server.unref(); // the lock must not keep the process alive
  fs.writeFileSync(path.join(dir, "lock.json"), description + "\n");
  return {
    holder,
    release: () =>
      new Promise<void>((resolve) => {
        const file = path.join(dir, "lock.json");
        if (readLockFile(dir)?.pid === process.pid) fs.rmSync(file, { force: true });
        server.close(() => resolve());
      }),
  };
}
