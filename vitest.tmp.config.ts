import path from "node:path";
import { defineConfig } from "vitest/config";
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname, "src") } },
  test: { testTimeout: 120_000, hookTimeout: 240_000, pool: "forks", include: ["tests/http/upload-*.test.ts"] },
});
