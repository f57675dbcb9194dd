import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * The engine suites (transitions, caps, cursor, runner, concurrency) on a real PostgreSQL server:
 * TEST_DATABASE_URL is required; each engine gets a fresh schema of its own, dropped afterwards.
 */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname, "src") } },
  test: {
    include: ["tests/engine/{transitions,sync-and-caps,runner,concurrency,pg-bus,cv-repository,prepared}.test.ts"],
    env: { ENGINE_BACKENDS: "postgres" },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
