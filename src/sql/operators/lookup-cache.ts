import type { LookupCacheOptions } from '../lookup-options.js';
import type { Row } from './calc-operator.js';

interface Entry {
  readonly rows: readonly Row[];
  readonly written: number;
  read: number;
}

/**
 * Flink's partial lookup cache: the rows each recently looked-up key found, bounded by a number of
 * keys (least recently used first out) and by expiry after write and after access. A Map keeps
 * insertion order, so re-inserting a key on access makes its first entry the least recently used.
 *
 * @example
 * const c = new LookupCache({ maxRows: 2, expireAfterWrite: 60_000, expireAfterAccess: Infinity, cacheMissingKey: true });
 * c.put('[1]', [{ id: 1 }], Date.now()); c.get('[1]', Date.now()); // [{ id: 1 }]
 */
export class LookupCache {
  private readonly entries = new Map<unknown, Entry>();
  constructor(private readonly o: LookupCacheOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** The rows of `key`, or undefined when it is not cached (or expired). */
  get(key: unknown, now: number): readonly Row[] | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (now - e.written >= this.o.expireAfterWrite || now - e.read >= this.o.expireAfterAccess) {
      this.entries.delete(key);
      return undefined;
    }
    e.read = now;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.rows;
  }

  put(key: unknown, rows: readonly Row[], now: number): void {
    if (rows.length === 0 && !this.o.cacheMissingKey) return;
    this.entries.delete(key);
    this.entries.set(key, { rows, written: now, read: now });
    while (this.entries.size > this.o.maxRows) this.entries.delete(this.entries.keys().next().value!);
  }
}
