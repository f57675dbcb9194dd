/**
 * Groups calls into batches: a call goes out on the next turn of the event loop (no timer: idle, it adds
 * no measurable latency) together with the calls made in the same turn, and the calls made while a batch
 * is in flight go out together when it returns. Under load, batches grow by themselves to what arrives
 * during one round trip.
 *
 * Why: on PostgreSQL a transaction that sends NOTIFY holds a database-wide lock through its commit and
 * its WAL flush, so such commits cannot be grouped by the server; grouping them here is what lets many
 * tasks share one commit (see TaskStore.complete).
 */
export class InFlightBatcher<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (err: unknown) => void }[] = [];
  private inFlight = false;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly maxBatch: number,
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.inFlight) {
        // Calls made in the same turn of the event loop (tasks launched together finish together) join.
        this.inFlight = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush() {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const out = await this.run(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(out[i]!));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.inFlight = false;
  }
}
