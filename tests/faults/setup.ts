import { buildApp } from "../../scripts/lib/app-server";

/**
 * A production build for the web instances. SKIP_BUILD=1 reuses the build already there (CI runs this
 * suite right after the PostgreSQL suite has built the same tree).
 */
export default function setup() {
  buildApp();
}
