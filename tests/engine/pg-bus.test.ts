import { randomUUID } from "node:crypto";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import pg from "pg";
import { expect, it } from "vitest";
import { TaskEngineEvents, type TaskChangeEvent } from "@/server/tasks/events";
import { PostgresEventBus } from "@/server/tasks/pg-bus";
import { TaskStore } from "@/server/tasks/store";
import { createEngine, describeBackends, PG_URL } from "../helpers/engine";

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

    it("delivers every change and cancel of one transaction to another process, in order, only once it commits", async () => {
      await withTwoBuses(async ({ admin, bus, other }) => {
        const ids: string[] = Array.from({ length: 40 }, () => randomUUID());
        const heard: string[] = [];
        const cancelled: string[] = [];
        const allHeard = new Promise<void>((resolve) => {
          bus.onChange((e) => {
            if (ids.includes(e.taskId)) heard.push(`${e.taskId}:${e.version}:${e.claimable ? "w" : "-"}`);
          });
          bus.onCancel((e) => {
            cancelled.push(e.taskId);
            resolve();
          });
        });
        const changes = ids.map((taskId, i) => ({ userId: "u", taskId, version: 100 + i, kind: "upsert" as const, claimable: i % 2 === 0 }));
        // A transaction that rolls back tells nobody; the one that commits tells all of it, in its order.
        await admin.query("begin");
        await other.notifyInTransaction((q) => admin.query(pgQuery(q)), changes.slice(0, 3), [{ taskId: ids[0]! }]);
        await admin.query("rollback");
        await admin.query("begin");
        await other.notifyInTransaction((q) => admin.query(pgQuery(q)), changes, [{ taskId: ids[39]! }]);
        await admin.query("commit");
        await allHeard;
        expect(heard).toEqual(changes.map((c) => `${c.taskId}:${c.version}:${c.claimable ? "w" : "-"}`));
        expect(cancelled).toEqual([ids[39]]);
      });
    });

    it("the store's claim and completion are announced by the statements that make them: the completion (and the creation) as freeing work to claim, the claim not", async () => {
      const engine = await createEngine({ backend: "postgres" });
      await withTwoBuses(async ({ admin, bus: listener, other: sender }) => {
        const store = new TaskStore(engine.database.db, sender, { historyLimit: 100, activeLimit: 20 });
        const userId = await engine.addUser();
        const heard: TaskChangeEvent[] = [];
        let enough!: () => void;
        const three = new Promise<void>((resolve) => (enough = resolve));
        listener.onChange((e) => {
          if (e.userId !== userId) return;
          heard.push(e);
          if (heard.length === 3) enough();
        });
        const { task } = await store.create(userId, { id: randomUUID(), type: "noop", title: "t", payload: {} }, "dev");
        const row = (await store.claim("w1", 2, 30_000))[0]!;
        expect(await store.complete({ taskId: row.id, userId, owner: "w1", attempt: row.attempts }, { result: { ok: true } })).toBe(true);
        await three;
        const done = (await store.get(userId, task.id))!;
        expect(done.status).toBe("completed");
        expect(heard.map((e) => [e.taskId, e.claimable])).toEqual([
          [task.id, true],
          [task.id, false],
          [task.id, true],
        ]);
        expect(heard.map((e) => e.version)).toEqual([task.version, row.version, done.version]);
        // Each was sent once: nothing more arrives (the next notification on the channel is this marker's).
        const marker = randomUUID();
        const markerHeard = new Promise((resolve) => listener.onChange((e) => e.taskId === marker && resolve(e)));
        await sender.notifyInTransaction((q) => admin.query(pgQuery(q)), [{ userId, taskId: marker, version: 0, kind: "upsert" }]);
        await markerHeard;
        expect(heard.filter((e) => e.taskId !== marker)).toHaveLength(3);
      }).finally(() => engine.close());
    });
  },
  ["postgres"],
);

/** Two processes' buses on the test server (`other` sends, `bus` hears), with an admin connection; all closed after `fn`. */
async function withTwoBuses(fn: (t: { admin: pg.Client; bus: PostgresEventBus; other: PostgresEventBus }) => Promise<void>) {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const notify = (channel: string, payload: string) => admin.query("select pg_notify($1, $2)", [channel, payload]);
  const bus = new PostgresEventBus(PG_URL!, notify, () => {});
  const other = new PostgresEventBus(PG_URL!, notify, () => {});
  try {
    await Promise.all([bus.start(), other.start()]);
    await fn({ admin, bus, other });
  } finally {
    await bus.stop();
    await other.stop();
    await admin.end();
  }
}

/** A drizzle `sql` fragment as a node-postgres query. */
function pgQuery(q: SQL): { text: string; values: unknown[] } {
  const { sql, params } = new PgDialect().sqlToQuery(q);
  return { text: sql, values: params };
}
