import { and, gt, inArray } from "drizzle-orm";
import type { Database } from "../db/client";
import { session } from "../db/schema";

/**
 * Which of `ids` are still signed-in sessions (not signed out, not expired): one query for any number of
 * ids, so that every push stream of a process can be checked together.
 */
export async function liveSessionIds(db: Database, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: session.id })
    .from(session)
    .where(and(inArray(session.id, [...ids]), gt(session.expiresAt, new Date())));
  return new Set(rows.map((r) => r.id));
}
