import path from "node:path";
import { defineConfig } from "vitest/config";

/** Several web instances and workers on a real PostgreSQL server (TEST_DATABASE_URL). */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname, "src") } },
  test: {
    include: ["tests/pg/**/*.test.ts"],
    testTimeout: 90_000,
    hookTimeout: 240_000,
    pool: "forks",
    fileParallelism: false,
    globalSetup: ["tests/pg/setup.ts"],
  },
});
