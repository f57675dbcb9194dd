import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

/**
 * Task input files kept on disk next to the embedded database instead of in it: PGlite runs on the
 * server's event loop, and passing 10 MB through it as a bytea parameter blocks every other request for
 * seconds (measured: 2.5 s to insert, 1 s to read back). The database row keeps the file's name, type and
 * size; the bytes are written here before the transaction (staged: an upload is streamed straight to a
 * staging path as it arrives), renamed to the task's name inside it, and removed when the task finishes.
 * The pdf.js process reads the file from its path: the bytes never pass through the server's thread.
 * Only the embedded database keeps files here: with PostgreSQL every worker must reach the file, and
 * node-postgres sends it without holding the event loop; uploads are still staged in such a directory
 * (one per process) while they are checked.
 */
export class InputFileDirectory {
  constructor(readonly dir: string) {}

  private pathOf(taskId: string) {
    // Task ids are UUIDs (validated at the API): no path can escape the directory.
    if (!/^[0-9a-f-]{36}$/i.test(taskId)) throw new Error(`Not a task id: ${taskId}`);
    return path.join(this.dir, `${taskId}.bin`);
  }

  /** A new temporary name to write a file under (the directory exists); `place` or `discard` it afterwards. */
  async stagingPath(): Promise<string> {
    await fs.mkdir(this.dir, { recursive: true });
    return path.join(this.dir, `staging-${randomUUID()}.part`);
  }

  /** Writes the bytes under a temporary name; `place` then gives them to a task, `discard` drops them. */
  async stage(data: Uint8Array): Promise<string> {
    const staged = await this.stagingPath();
    await fs.writeFile(staged, data);
    return staged;
  }

  place(staged: string, taskId: string): Promise<void> {
    return fs.rename(staged, this.pathOf(taskId));
  }

  async discard(staged: string): Promise<void> {
    await fs.rm(staged, { force: true });
  }

  /** A copy of a task's file under a staging name (for a new task), or null when there is none. */
  async copyToStaging(taskId: string): Promise<string | null> {
    const staged = await this.stagingPath();
    try {
      await fs.copyFile(this.pathOf(taskId), staged);
      return staged;
    } catch (err) {
      await this.discard(staged);
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  /** The path of a task's file, or null when there is none. */
  async locate(taskId: string): Promise<string | null> {
    const file = this.pathOf(taskId);
    try {
      await fs.access(file);
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async remove(taskId: string): Promise<void> {
    await fs.rm(this.pathOf(taskId), { force: true });
  }

  /** Removes what no task holds any more (left by a crash between a write and its transaction). */
  async sweep(held: (taskIds: string[]) => Promise<Set<string>>): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return;
    }
    const ids = names.filter((n) => n.endsWith(".bin")).map((n) => n.slice(0, -4));
    const keep = await held(ids);
    await Promise.all(
      names.filter((n) => n.startsWith("staging-") || (n.endsWith(".bin") && !keep.has(n.slice(0, -4)))).map((n) => fs.rm(path.join(this.dir, n), { force: true })),
    );
  }
}
