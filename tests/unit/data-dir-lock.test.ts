/**
 * The embedded database's directory lock, with real processes: a holder killed with SIGKILL leaves no
 * stale lock, and a refused process is told who holds it. (tests/faults runs the same with two servers.)
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir } from "@/server/db/data-dir-lock";

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cv-tasks-lock-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Another process that takes the lock and keeps it until killed. */
function holderProcess(dir: string) {
  const script = `import { lockDataDir } from ${JSON.stringify(path.resolve("src/server/db/data-dir-lock.ts"))};
    await lockDataDir(${JSON.stringify(dir)}); console.log("locked"); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("locked") && resolve());
    child.once("exit", (code) => reject(new Error(`the holder exited (${code})`)));
  });
  return { child, locked };
}

describe("one process per embedded database directory", () => {
  it("a second lock on the same directory is refused with the holder's pid, host and start time; released, it can be taken", async () => {
    const dir = tempDir();
    const first = await lockDataDir(dir);
    const refused = await lockDataDir(dir).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect((refused as DataDirLockedError).holder).toMatchObject({ pid: process.pid, host: os.hostname(), startedAt: first.holder.startedAt });
    expect((refused as Error).message).toContain(`process ${process.pid} on ${os.hostname()}, started at ${first.holder.startedAt}`);
    await first.release();
    const again = await lockDataDir(dir);
    await again.release();
  });

  it("the same directory through a symbolic link is the same lock", async () => {
    const dir = tempDir();
    const link = path.join(tempDir(), "link");
    fs.symlinkSync(dir, link);
    const first = await lockDataDir(dir);
    await expect(lockDataDir(link)).rejects.toBeInstanceOf(DataDirLockedError);
    await first.release();
  });

  it("a holder killed with SIGKILL leaves no stale lock: the next process takes it at once", async () => {
    const dir = tempDir();
    const holder = holderProcess(dir);
    await holder.locked;
    const refused = await lockDataDir(dir).catch((err: DataDirLockedError) => err);
    expect((refused as DataDirLockedError).holder?.pid).toBe(holder.child.pid);
    holder.child.kill("SIGKILL");
    await new Promise((r) => holder.child.once("exit", r));
    const taken = await lockDataDir(dir);
    expect(taken.holder.pid).toBe(process.pid);
    await taken.release();
  });
});
