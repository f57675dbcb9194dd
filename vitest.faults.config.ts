import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * The fault suite: real web instances and workers on a private PostgreSQL cluster that the suite creates,
 * restarts and kills connections of (never the shared server).
 */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname, "src") } },
  test: {
    include: ["tests/faults/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    pool: "forks",
    fileParallelism: false,
    globalSetup: ["tests/faults/setup.ts"],
  },
});
