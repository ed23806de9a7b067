import type { Clock } from '../../core/clock.js';
import { normalizeKey } from '../../core/key-group.js';
import type { MapState, StateTtlConfig } from '../../core/state.js';
import { NO_KEY, noKeyError, type CurrentKey } from './current-key.js';
import type { IncrementalCleanup } from './ttl-cleanup.js';

type Table = Map<unknown, unknown>;
/** A map entry with TTL: the user's key, the value, and when it was last written (or read). */
export type StampedEntry<K, V> = [K, V, number];

/**
 * Map state with TTL per entry, as Flink's: each entry expires on its own, `ttl` after it was put
 * (or, with OnReadAndWrite, last read). Expired entries are dropped when met and left out of snapshots.
 */
export class TtlMapState<K, V> implements MapState<K, V> {
  constructor(
    private readonly table: Table,
    private readonly k: CurrentKey,
    private readonly ttl: StateTtlConfig,
    private readonly clock: Clock,
    private readonly name: string,
    private readonly cleanup: IncrementalCleanup | undefined,
  ) {}

  private map(): Map<unknown, StampedEntry<K, V>> | undefined {
    const m = this.table.get(this.k.currentKeyId) as Map<unknown, StampedEntry<K, V>> | undefined;
    if (m === undefined && this.k.currentKeyId === NO_KEY) throw noKeyError(`State '${this.name}'`);
    return m;
  }
  /** The entry for `id` as a read sees it (expired ones are removed, and returned only if visible). */
  private read(m: Map<unknown, StampedEntry<K, V>>, id: unknown, e: StampedEntry<K, V>, now: number): StampedEntry<K, V> | undefined {
    if (now - e[2] >= this.ttl.ttl) {
      m.delete(id);
      if (m.size === 0) this.table.delete(this.k.currentKeyId);
      return this.ttl.visibility === 'ReturnExpiredIfNotCleanedUp' ? e : undefined;
    }
    if (this.ttl.updateType === 'OnReadAndWrite') e[2] = now;
    return e;
  }
  private entry(key: K): StampedEntry<K, V> | undefined {
    const m = this.map();
    if (!m) return undefined;
    const id = normalizeKey(key);
    const e = m.get(id);
    return e && this.read(m, id, e, this.clock.now());
  }
  get(key: K): V | undefined {
    return this.entry(key)?.[1];
  }
  put(key: K, value: V): void {
    const m = this.map();
    const now = this.clock.now();
    const e: StampedEntry<K, V> = [key, value, now];
    if (m) m.set(normalizeKey(key), e);
    else this.table.set(this.k.currentKeyId, new Map([[normalizeKey(key), e]]));
    this.cleanup?.step(now);
  }
  putAll(entries: Iterable<[K, V]>): void {
    for (const [k, v] of entries) this.put(k, v);
  }
  remove(key: K): void {
    const m = this.map();
    if (!m) return;
    m.delete(normalizeKey(key));
    if (m.size === 0) this.table.delete(this.k.currentKeyId);
  }
  contains(key: K): boolean {
    return this.entry(key) !== undefined;
  }
  *entries(): IterableIterator<[K, V]> {
    const m = this.map();
    if (!m) return;
    const now = this.clock.now();
    // Collected first: reading removes expired entries, which must not happen mid-iteration.
    const seen: StampedEntry<K, V>[] = [];
    for (const [id, e] of [...m]) {
      const r = this.read(m, id, e, now);
      if (r) seen.push(r);
    }
    for (const e of seen) yield [e[0], e[1]];
  }
  *keys(): IterableIterator<K> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }
  isEmpty(): boolean {
    const m = this.map();
    if (!m) return true;
    const now = this.clock.now();
    for (const e of m.values()) if (now - e[2] < this.ttl.ttl) return false;
    return true;
  }
  clear(): void {
    this.table.delete(this.k.currentKeyId);
  }
}
