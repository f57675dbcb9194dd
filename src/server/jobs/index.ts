import type { LlmClient } from "../llm/client";
import type { TaskStore } from "../tasks/store";
import { TaskTypes } from "../tasks/types";
import { importPdfTask } from "./import-pdf";
import { noopTask } from "./noop";

export interface JobDeps {
  store: TaskStore;
  llm: LlmClient | null;
}

/** Every task type this application runs. */
export function createTaskTypes(deps: JobDeps): TaskTypes {
  return new TaskTypes().add(noopTask).add(importPdfTask(deps));
}
