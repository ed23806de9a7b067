import type { StateDescriptor } from '../../core/state.js';
import type { StampedEntry } from './ttl-map-state.js';
import type { Stamped } from './ttl.js';

/**
 * Removes expired TTL state a few entries at a time, so keys that are never read again do not stay
 * in memory forever (Flink's incremental cleanup). Each write to a state with TTL checks the next
 * `perWrite` keys of its table; a live iterator over a `Map` survives the deletions and insertions
 * made in between, and starts over when it reaches the end.
 *
 * @example
 * const cleanup = new IncrementalCleanup(table, ttlPruner('value', 60_000), 2);
 * cleanup.step(clock.now()); // after each write
 */
export class IncrementalCleanup {
  private cursor: Iterator<[unknown, unknown]> | undefined;

  constructor(
    private readonly table: Map<unknown, unknown>,
    /** The live part of a stored value (see {@link ttlPruner}). */
    private readonly prune: (raw: unknown, now: number) => unknown,
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
      const [k, v] = r.value;
      const live = this.prune(v, now);
      if (live === undefined) this.table.delete(k);
      else if (live !== v) this.table.set(k, live);
    }
  }
}

/**
 * The live part of one stored value of a state with TTL: the value itself when nothing in it
 * expired, a pruned copy of a list or map when some elements or entries did, `undefined` when
 * nothing is left. It never changes the stored value in place, since a snapshot may be reading it.
 */
export function ttlPruner(type: StateDescriptor['type'], ttl: number): (raw: unknown, now: number) => unknown {
  if (type === 'list') {
    return (raw, now) => {
      const l = raw as Stamped<unknown>[];
      if (l.every((e) => now - e.t < ttl)) return l;
      const live = l.filter((e) => now - e.t < ttl);
      return live.length > 0 ? live : undefined;
    };
  }
  if (type === 'map') {
    return (raw, now) => {
      const m = raw as Map<unknown, StampedEntry<unknown, unknown>>;
      let expired = 0;
      for (const e of m.values()) if (now - e[2] >= ttl) expired++;
      if (expired === 0) return m;
      if (expired === m.size) return undefined;
      return new Map([...m].filter(([, e]) => now - e[2] < ttl));
    };
  }
  return (raw, now) => (now - (raw as Stamped<unknown>).t >= ttl ? undefined : raw);
}
