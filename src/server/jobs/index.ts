import type { Database } from "../db/client";
import type { LlmClient } from "../llm/client";
import type { TaskStore } from "../tasks/store";
import { TaskTypes } from "../tasks/types";
import { generateCvTask } from "./generate-cv";
import { importPdfTask } from "./import-pdf";
import { noopTask } from "./noop";

export interface JobDeps {
  db: Database;
  store: TaskStore;
  llm: LlmClient | null;
}

/**
 * Task types for diagnostics and benchmarks only: they hold a slot for minutes and may spawn processes, so the
 * API refuses to create them unless ALLOW_DIAGNOSTIC_TASKS=true (the runner still knows how to run them).
 */
export const DIAGNOSTIC_TASK_TYPES: ReadonlySet<string> = new Set([noopTask.type]);

/** Task types whose completion writes a CV: creating one needs room under the user's CV cap. */
export const CV_PRODUCING_TASK_TYPES: ReadonlySet<string> = new Set(["import-pdf", "generate-cv"]);

/** Every task type this application runs. */
export function createTaskTypes(deps: JobDeps): TaskTypes {
  return new TaskTypes().add(noopTask).add(importPdfTask(deps)).add(generateCvTask(deps));
}
