/**
 * `next build`, only when the sources changed since the last build: `npm start` and the test suites start
 * at once on a build that is current, and rebuild after any change to what the build reads.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const nextBin = path.join(root, "node_modules/next/dist/bin/next");
/** What `next build` reads: the app's sources, its configuration and the installed dependencies' versions. */
const INPUTS = ["src", "drizzle", "next.config.ts", "tsconfig.json", "package.json", "package-lock.json", "eslint.config.mjs"];
const STAMP = path.join(root, ".next", "cv-tasks-build-inputs");

function filesUnder(entry: string): string[] {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [entry];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => filesUnder(path.join(entry, d.name)));
}

/** A digest of every input's path and content, and of the NEXT_PUBLIC_ variables (built into the pages). */
export function buildInputsDigest(): string {
  const hash = createHash("sha256");
  for (const file of INPUTS.flatMap(filesUnder)) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(root, file)));
  }
  for (const [k, v] of Object.entries(process.env).filter(([k]) => k.startsWith("NEXT_PUBLIC_")).sort()) hash.update(`${k}=${v}\0`);
  return hash.digest("hex");
}

/** Whether .next holds a complete production build of exactly these inputs. */
export function buildIsCurrent(digest = buildInputsDigest()): boolean {
  return fs.existsSync(path.join(root, ".next", "BUILD_ID")) && fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8") === digest;
}

/** Builds unless the build is current (`force`: always). Returns whether it built. Throws with the build's output on failure. */
export function buildIfStale({ force = false, quiet = false } = {}): boolean {
  const digest = buildInputsDigest();
  if (!force && buildIsCurrent(digest)) return false;
  fs.rmSync(STAMP, { force: true });
  const res = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
    stdio: quiet ? "pipe" : "inherit",
  });
  if (res.status !== 0) throw new Error(`next build failed${quiet ? `:\n${res.stdout}\n${res.stderr}` : ""}`);
  // The inputs as they were when the build started: an edit made during the build means another build next time.
  fs.writeFileSync(STAMP, digest);
  return true;
}
