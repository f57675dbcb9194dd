import path from "node:path";
import { defineConfig } from "vitest/config";

/** The abuse suite: attacks by real HTTP against a production build (npm run test:abuse). */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname, "src") } },
  test: {
    include: ["tests/abuse/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    // One server for every file: files run one after another so that memory readings are not another test's.
    fileParallelism: false,
    globalSetup: ["tests/abuse/setup.ts"],
  },
});
