/**
 * The claim on PostgreSQL (TEST_DATABASE_URL, a fresh schema dropped afterwards), with 30 users holding 20
 * queued tasks each:
 *   claim_p50_ms / claim_p99_ms   one claim (one statement: candidates, locks, busy count, clock bump, update), then its completion
 *   claim_only_p50_ms             the claim alone
 *   rr_candidates_ms              the round-robin candidate query alone (each user's head, least recently started user first)
 *   fifo_candidates_ms            the former global-FIFO candidate query on the same rows, side by side
 *   latecomer_claims_ahead        claims made before a task created by a 31st user, after the 600, starts (global FIFO: 600)
 *   npm run bench:claims
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { createEngine } from "../tests/helpers/engine";
import { percentile, printResult } from "./lib/stats";

if (!process.env.TEST_DATABASE_URL) {
  console.error("bench:claims needs TEST_DATABASE_URL (a PostgreSQL database it may create a schema in).");
  process.exit(2);
}
const engine = await createEngine({ backend: "postgres", limits: { activeLimit: 1000, historyLimit: 1000 } });
try {
  const users = await Promise.all(Array.from({ length: 30 }, () => engine.addUser()));
  for (const userId of users) {
    await engine.store.createMany(userId, Array.from({ length: 20 }, () => ({ id: randomUUID(), type: "noop", title: "t", payload: {} })), null);
  }
  const latecomer = await engine.addUser();
  const late = (await engine.store.create(latecomer, { id: randomUUID(), type: "noop", title: "late", payload: {} }, null)).task.id;

  const timeQuery = async (query: ReturnType<typeof sql>) => {
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await engine.database.db.execute(query);
      times.push(performance.now() - t0);
    }
    return percentile(times, 50);
  };
  const now = Date.now();
  const rr = await timeQuery(sql`
    with heads as (
      select distinct on (q.user_id) q.id, q.user_id, q.created_at, q.seq from background_task q
      where q.status = 'queued' order by q.user_id, q.created_at, q.seq)
    select h.id, h.user_id from heads h left join task_clock c on c.user_id = h.user_id
    where (select count(*) from background_task b where b.user_id = h.user_id and b.lease_owner is not null and b.lease_expires_at > ${now}) < 2
    order by coalesce(c.last_started_at, 0), h.created_at, h.seq limit 10`);
  const fifo = await timeQuery(sql`
    select t.id, t.user_id from background_task t
    where t.status = 'queued'
      and (select count(*) from background_task b where b.user_id = t.user_id and b.lease_owner is not null and b.lease_expires_at > ${now}) < 2
    order by t.created_at, t.seq limit 10`);

  const claimTimes: number[] = [];
  const claimOnly: number[] = [];
  let claimsAhead = -1;
  for (let n = 0; ; n++) {
    const t0 = performance.now();
    const [row] = await engine.store.claim("bench", 2, 30_000);
    claimOnly.push(performance.now() - t0);
    if (!row) break;
    await engine.store.complete({ taskId: row.id, userId: row.userId, owner: "bench", attempt: row.attempts }, { result: null });
    claimTimes.push(performance.now() - t0);
    if (row.id === late) claimsAhead = n;
  }
  console.log(`${claimTimes.length} claims; the latecomer's task started after ${claimsAhead} others`);
  printResult({
    claim_p50_ms: percentile(claimTimes, 50),
    claim_p99_ms: percentile(claimTimes, 99),
    claim_only_p50_ms: percentile(claimOnly, 50),
    rr_candidates_ms: rr,
    fifo_candidates_ms: fifo,
    latecomer_claims_ahead: claimsAhead,
  });
} finally {
  await engine.close();
}
