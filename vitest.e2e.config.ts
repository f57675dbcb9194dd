import path from "node:path";
import { defineConfig } from "vitest/config";

/** The browser suite: Debian's Chromium through playwright-core, against a production build. */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname, "src") } },
  test: {
    include: ["tests/e2e/**/*.e2e.ts"],
    testTimeout: 90_000,
    hookTimeout: 240_000,
    pool: "forks",
    fileParallelism: false,
    globalSetup: ["tests/helpers/http-setup.ts"],
  },
});
