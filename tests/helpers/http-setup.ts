import type { TestProject } from "vitest/node";
import { buildApp, startAppServer } from "../../scripts/lib/app-server";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/** Builds the app as it is now and starts it once for every HTTP test file. */
export default async function setup(project: TestProject) {
  buildApp();
  const server = await startAppServer({ ALLOW_DIAGNOSTIC_TASKS: "true" }) // the suites use the noop type;
  project.provide("baseUrl", server.url);
  return async () => {
    await server.stop();
  };
}
