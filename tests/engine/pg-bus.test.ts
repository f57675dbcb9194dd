import { randomUUID } from "node:crypto";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import pg from "pg";
import { expect, it } from "vitest";
import { TaskEngineEvents } from "@/server/tasks/events";
import { PostgresEventBus } from "@/server/tasks/pg-bus";
import { describeBackends, PG_URL } from "../helpers/engine";

describeBackends(
  "the PostgreSQL event bus",
  () => {
    it("comes back after the server kills its LISTEN connection, says so, and delivers other processes' notifications again", async () => {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      const notify = (channel: string, payload: string) => admin.query("select pg_notify($1, $2)", [channel, payload]);
      const events = new TaskEngineEvents();
      const bus = new PostgresEventBus(PG_URL!, notify, () => {}, events);
      // Another process's bus: its notifications are the ones this bus must hear.
      const other = new PostgresEventBus(PG_URL!, notify, () => {});
      try {
        await Promise.all([bus.start(), other.start()]);
        let resyncs = 0;
        bus.onResync(() => resyncs++);

        const reconnected = events.next("listenReconnected");
        const resync = events.next("resync");
        const pid = await bus.listenerPid();
        expect(pid).not.toBeNull();
        await admin.query("select pg_terminate_backend($1)", [pid]);
        const { downtimeMs } = await reconnected;
        expect(downtimeMs).toBeGreaterThanOrEqual(0);
        expect(await resync).toEqual({ reason: "listen_reconnected" });
        expect(resyncs).toBe(1);
        expect(await bus.listenerPid()).not.toBe(pid);

        // A change sent by the other process after the reconnection arrives here.
        const taskId = randomUUID();
        const heard = new Promise((resolve) => bus.onChange((e) => e.taskId === taskId && resolve(e)));
        await other.notifyInTransaction(
          (q) => admin.query(pgQuery(q)),
          [{ userId: "u", taskId, version: 7, kind: "upsert" }],
        );
        expect(await heard).toMatchObject({ taskId, version: 7, kind: "upsert" });
      } finally {
        await bus.stop();
        await other.stop();
        await admin.end();
      }
    });
  },
  ["postgres"],
);

/** A drizzle `sql` fragment as a node-postgres query (the bus only sends `select pg_notify($1, $2)`). */
function pgQuery(q: SQL): { text: string; values: unknown[] } {
  const { sql, params } = new PgDialect().sqlToQuery(q);
  return { text: sql, values: params };
}
