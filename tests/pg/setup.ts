import pg from "pg";
import type { TestProject } from "vitest/node";
import { buildApp } from "../../scripts/lib/app-server";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export const DEFAULT_URL = "postgres://cv_tasks:cv_tasks@127.0.0.1:5432/cv_tasks_test";

/** A clean schema on the test database, and a build of the app. */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL ?? DEFAULT_URL;
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `The PostgreSQL suite needs a server at ${url} (${(err as Error).message}). Start one with: pg_ctlcluster --skip-systemctl-redirect 15 main start, then create the role and database (see .ci/run), or set TEST_DATABASE_URL.`,
    );
  }
  await client.query("drop schema if exists public cascade; drop schema if exists drizzle cascade; create schema public;");
  await client.end();
  if (process.env.SKIP_BUILD !== "1") buildApp(); // SKIP_BUILD=1: reuse the build already there
  project.provide("databaseUrl", url);
}
