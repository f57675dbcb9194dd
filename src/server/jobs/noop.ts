import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { TASK_TITLES, waitTitleParams } from "../../shared/task-titles";
import type { TaskDefinition } from "../tasks/types";

const payloadSchema = z.object({
  durationMs: z.number().int().min(0).max(10 * 60 * 1000).default(0),
  steps: z.number().int().min(1).max(100).default(10),
  /** Do the waiting in a child process (to exercise process control: cancel stops it with SIGTERM). */
  inChildProcess: z.boolean().default(false),
});

/** A task that only waits, reporting progress: for diagnostics and throughput benchmarks. */
export const noopTask: TaskDefinition<z.infer<typeof payloadSchema>> = {
  type: "noop",
  payloadSchema,
  defaultTitle: (p) => TASK_TITLES.noop.english(waitTitleParams(p.durationMs)),
  titleParams: (p) => waitTitleParams(p.durationMs),
  async run({ taskId, payload, signal, progress, attempt, runChild }) {
    if (payload.inChildProcess) {
      progress(0, "waiting");
      // The task id on its command line lets an operator (or a test) find the process.
      const child = await runChild(process.execPath, ["-e", `setTimeout(() => {}, ${payload.durationMs})`, "--", `cv-tasks-noop-${taskId}`]);
      if (child.exitCode !== 0) throw new Error(`The child process ended with ${child.signal ?? child.exitCode}.`);
    } else if (payload.durationMs > 0) {
      for (let step = 1; step <= payload.steps; step++) {
        await sleep(payload.durationMs / payload.steps, undefined, { signal });
        progress((step / payload.steps) * 100, "waiting");
      }
    }
    return { result: { waitedMs: payload.durationMs, attempt } };
  },
};
