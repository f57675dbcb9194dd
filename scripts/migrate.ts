/** Applies pending migrations to the configured database (they also apply automatically at start). */
import { loadConfig } from "../src/server/config";
import { openDatabase, targetFromConfig } from "../src/server/db/client";

const config = loadConfig();
const target = targetFromConfig(config);
const handle = await openDatabase(target);
await handle.close();
console.log(`Migrations applied (${target.kind === "postgres" ? "PostgreSQL" : `embedded PGlite in ${target.dataDir}`}).`);
