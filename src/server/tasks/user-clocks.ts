import { busConnected, type TaskEventBus } from "./events";

/** How long a clock read from the database is trusted without being read again (a safety net, see below). */
export const CLOCK_TRUST_MS = 30_000;
/** Users whose clock is kept; past that, the longest known are forgotten first (and read again when asked). */
export const MAX_CLOCKS = 100_000;

interface Entry {
  version: number;
  /** When the database last confirmed it (0: being read, not yet confirmed). */
  confirmedAt: number;
  /** The cache generation it was read in: a resync starts a new one and the entry is worthless. */
  generation: number;
}

/**
 * Each user's current task clock, in memory, kept current by the event bus, so that an idle poll ("nothing
 * changed since version N") is answered without touching the database.
 *
 * - **Warmed by the database.** A user's clock is known only once a read of the database has confirmed
 *   it; `begin()` registers the user before that read starts, so that a change committed while it runs is
 *   recorded too, and the read's result is merged with `max` (versions only grow).
 * - **Kept current by the bus.** Every committed change carries its version (in-process at once, from
 *   other processes through NOTIFY, which PostgreSQL delivers in commit order).
 * - **Distrusted when the bus may have missed something:** while the bus is not connected nothing is
 *   answered from memory, and when it reconnects (resync) everything is forgotten and read again.
 * - **Read again every CLOCK_TRUST_MS** whatever happens, so that a notification lost without the
 *   connection noticing (a half-dead TCP connection) can delay a change by that long at most, and polls
 *   stay the safety net they are meant to be.
 */
export class UserClocks {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  /** Idle answers given from memory, and reads that had to go to the database (for tests and benches). */
  readonly stats = { hits: 0, misses: 0 };

  constructor(
    private readonly bus: TaskEventBus,
    private readonly now: () => number = Date.now,
    private readonly trustMs = CLOCK_TRUST_MS,
    private readonly maxEntries = MAX_CLOCKS,
  ) {
    bus.onChange((e) => {
      const entry = this.entries.get(e.userId);
      if (entry && e.version > entry.version) entry.version = e.version;
    });
    bus.onResync?.(() => this.clear());
  }

  /** The user's current version when memory can vouch for it, else null (read the database). */
  current(userId: string): number | null {
    const entry = this.entries.get(userId);
    if (!entry || entry.confirmedAt === 0 || entry.generation !== this.generation || !busConnected(this.bus)) {
      this.stats.misses++;
      return null;
    }
    if (this.now() - entry.confirmedAt > this.trustMs) {
      this.stats.misses++;
      return null;
    }
    this.stats.hits++;
    return entry.version;
  }

  /**
   * Call before reading the user's clock from the database, and pass the result to the returned function
   * once read: changes committed meanwhile are not lost.
   */
  begin(userId: string): (version: number) => void {
    const generation = this.generation;
    const connected = busConnected(this.bus);
    let entry = this.entries.get(userId);
    if (!entry || entry.generation !== generation) {
      entry = { version: 0, confirmedAt: 0, generation };
      this.entries.delete(userId);
      this.entries.set(userId, entry);
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    const started = this.now();
    const target = entry;
    return (version) => {
      // Read while the bus was down, or before a resync: changes may have been missed since.
      if (!connected || generation !== this.generation || !busConnected(this.bus)) return;
      if (version > target.version) target.version = version;
      target.confirmedAt = Math.max(target.confirmedAt, started);
    };
  }

  /** Forgets every clock (notifications may have been missed). */
  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
