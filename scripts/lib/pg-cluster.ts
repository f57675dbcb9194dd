/**
 * A private PostgreSQL cluster for fault tests and benchmarks: initdb into a temporary directory, its own
 * port, started, restarted and stopped with pg_ctl, so that a test may restart it and kill its connections
 * without touching any other server. Run as root, the server runs as the `postgres` OS user (PostgreSQL
 * refuses to run as root). Needs PostgreSQL's binaries (Debian: postgresql-15), not a running server.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./app-server";

export interface PgCluster {
  port: number;
  dir: string;
  /** A superuser connection string for `database` (default: postgres). */
  adminUrl(database?: string): string;
  /** The application's connection string (role cv_tasks) for `database`. */
  appUrl(database: string): string;
  /** Creates an empty database owned by the application's role. */
  createDatabase(name: string): Promise<string>;
  /**
   * pg_ctl restart -m fast (every connection is dropped), or with `downMs`, a stop -m fast, that long
   * down, and a start; resolves once the server accepts connections again.
   */
  restart(downMs?: number): Promise<void>;
  stop(): void;
  /** The server's log, for failure messages. */
  log(): string;
}

function binDir(): string {
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv) return fromEnv;
  const base = "/usr/lib/postgresql";
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, "bin/pg_ctl"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error("PostgreSQL's binaries were not found under /usr/lib/postgresql (install postgresql-15, or set PG_BIN_DIR).");
  return path.join(base, newest, "bin");
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL binary, as the postgres OS user when we are root. */
function run(bin: string, args: string[]) {
  const [cmd, argv] = isRoot() ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  const res = spawnSync(cmd, argv, { encoding: "utf8" });
  if (res.status !== 0) throw new Error(`${path.basename(bin)} ${args.join(" ")} failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = binDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cv-tasks-pg-"));
  const data = path.join(dir, "data");
  const logFile = path.join(dir, "server.log");
  if (isRoot()) execFileSync("chown", ["-R", "postgres:postgres", dir]);
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  run(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const options = [
    `-p ${port}`,
    `-k ${dir}`, // the Unix socket in our own directory, not /var/run/postgresql
    "-c listen_addresses=127.0.0.1",
    "-c fsync=off", // a throwaway cluster: durability across a crash of the machine is not under test
    "-c max_connections=200",
  ].join(" ");
  const pgCtl = (...args: string[]) => run(path.join(bin, "pg_ctl"), ["-D", data, "-l", logFile, "-o", options, "-w", "-t", "60", ...args]);
  pgCtl("start");

  const pgCtlAsync = (...args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const argv = ["-D", data, "-l", logFile, "-o", options, "-w", "-t", "60", ...args];
      const pgCtlBin = path.join(bin, "pg_ctl");
      const [cmd, full] = isRoot() ? ["runuser", ["-u", "postgres", "--", pgCtlBin, ...argv]] : [pgCtlBin, argv];
      execFile(cmd, full, (err, stdout, stderr) => (err ? reject(new Error(`pg_ctl ${args.join(" ")} failed: ${stdout}${stderr}`)) : resolve()));
    });

  const adminUrl = (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query("create role cv_tasks login password 'cv_tasks'");
  await admin.end();

  return {
    port,
    dir,
    adminUrl,
    appUrl: (database) => `postgres://cv_tasks:cv_tasks@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      try {
        await client.query(`create database "${name}" owner cv_tasks`);
      } finally {
        await client.end();
      }
      return `postgres://cv_tasks:cv_tasks@127.0.0.1:${port}/${name}`;
    },
    async restart(downMs = 0) {
      if (downMs <= 0) return pgCtlAsync("restart", "-m", "fast");
      await pgCtlAsync("stop", "-m", "fast");
      await new Promise((r) => setTimeout(r, downMs)); // the outage itself is what is being simulated
      await pgCtlAsync("start");
    },
    stop() {
      try {
        pgCtl("stop", "-m", "immediate");
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : ""),
  };
}
