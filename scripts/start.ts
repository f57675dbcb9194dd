/**
 * `npm start`: builds the app only if its sources changed since the last build (FORCE_BUILD=1 always
 * builds), then runs the app's server (server.ts) in this process.
 */
import { buildIfStale } from "./lib/build";

if (!buildIfStale({ force: process.env.FORCE_BUILD === "1" })) console.log("[cv-tasks] the build is current: starting without rebuilding");
await import("../server");
