import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { buildApp, startAppServer } from "../../scripts/lib/app-server";
import { startFakeLlm } from "../helpers/fake-llm";

declare module "vitest" {
  export interface ProvidedContext {
    abuseUrl: string;
    abusePid: number;
    abuseLog: string;
  }
}

/** CVs per user on the abuse server: small, so that the cap is reached in a few seconds. */
export const ABUSE_CV_LIMIT = 12;
export const SLOW_OFFER_MARKER = "SLOW-OFFER-MARKER";

/**
 * One production build started as `npm start` runs it, configured as in production (rate limits on, no
 * diagnostic tasks, the socket's address only), with an OpenAI-compatible server that answers 200 with an
 * empty body. Everything it prints goes to a file the tests read. SKIP_BUILD=1 reuses the last build.
 */
export default async function setup(project: TestProject) {
  buildApp();
  // Answers 200 with an empty body; a prompt holding SLOW_OFFER_MARKER waits 3 s first (a task kept running).
  const llm = await startFakeLlm({
    rawBody: () => "",
    delayFor: (req) => (req.body.messages.some((m) => m.content.includes(SLOW_OFFER_MARKER)) ? 3000 : 0),
  });
  const server = await startAppServer({
    AUTH_RATE_LIMIT: "true",
    ALLOW_DIAGNOSTIC_TASKS: "false",
    TRUST_PROXY: "0",
    CV_LIMIT_PER_USER: String(ABUSE_CV_LIMIT),
    LLM_BASE_URL: llm.url,
    LLM_API_KEY: "abuse",
    LLM_MODEL: "fake-model",
    LLM_TIMEOUT_MS: "20000",
  });
  const logPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cv-tasks-abuse-")), "server.log");
  fs.writeFileSync(logPath, server.output());
  server.process.stdout!.on("data", (d: Buffer) => fs.appendFileSync(logPath, d));
  server.process.stderr!.on("data", (d: Buffer) => fs.appendFileSync(logPath, d));
  project.provide("abuseUrl", server.url);
  project.provide("abusePid", server.process.pid!);
  project.provide("abuseLog", logPath);
  return async () => {
    await server.stop();
    await llm.close();
    fs.rmSync(path.dirname(logPath), { recursive: true, force: true });
  };
}
