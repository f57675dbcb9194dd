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

/** Every task type this application runs. */
export function createTaskTypes(deps: JobDeps): TaskTypes {
  return new TaskTypes().add(noopTask).add(importPdfTask(deps)).add(generateCvTask(deps));
}
