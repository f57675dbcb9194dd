import { TaskTypes } from "../tasks/types";
import { noopTask } from "./noop";

/** Every task type this application runs. */
export function createTaskTypes(): TaskTypes {
  return new TaskTypes().add(noopTask);
}
