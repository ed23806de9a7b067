/**
 * Removes expired TTL state a few entries at a time, so keys that are never read again do not stay
 * in memory forever (Flink's incremental cleanup). Each write to a state with TTL checks the next
 * `perWrite` keys of its table; a live iterator over a `Map` survives the deletions and insertions
 * made in between, and starts over when it reaches the end.
 *
 * @example
 * const cleanup = new IncrementalCleanup(table, (raw, now) => now - (raw as Stamped<unknown>).t >= ttl, 2);
 * cleanup.step(clock.now()); // after each write
 */
export class IncrementalCleanup {
  private cursor: Iterator<[unknown, unknown]> | undefined;

  constructor(
    private readonly table: Map<unknown, unknown>,
    /** Drops what expired from a stored value; returns true when nothing is left of it. */
    private readonly prune: (raw: unknown, now: number) => boolean,
    private readonly perWrite: number,
  ) {}

  step(now: number): void {
    for (let i = 0; i < this.perWrite; i++) {
      this.cursor ??= this.table.entries();
      const r = this.cursor.next();
      if (r.done) {
        this.cursor = undefined;
        return;
      }
      if (this.prune(r.value[1], now)) this.table.delete(r.value[0]);
    }
  }
}
