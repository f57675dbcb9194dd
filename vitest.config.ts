import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname, "src") } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: "forks",
    projects: [
      // The domain on an in-process PGlite: no server.
      { extends: true, test: { name: "engine", include: ["tests/engine/**/*.test.ts", "tests/unit/**/*.test.ts"] } },
      // Real HTTP against a production build started on a fresh embedded database.
      {
        extends: true,
        test: { name: "http", include: ["tests/http/**/*.test.ts"], globalSetup: ["tests/helpers/http-setup.ts"] },
      },
    ],
  },
});
