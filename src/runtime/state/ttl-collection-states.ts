import type { Clock } from '../../core/clock.js';
import { normalizeKey } from '../../core/key-group.js';
import type { ListState, MapState, StateDescriptor, StateTtlConfig } from '../../core/state.js';
import { NO_KEY, noKeyError, type CurrentKey } from './current-key.js';
import type { IncrementalCleanup } from './ttl-cleanup.js';
import type { Stamped } from './ttl.js';

type Table = Map<unknown, unknown>;
/** A map entry with TTL: the user's key, the value, and when it was last written (or read). */
export type StampedEntry<K, V> = [K, V, number];

/**
 * List state with TTL per element, as Flink's: each element expires on its own, `ttl` after it was
 * added (or, with OnReadAndWrite, last read). Expired elements are dropped when the list is read
 * and left out of snapshots; with ReturnExpiredIfNotCleanedUp a read returns them that one last time.
 */
export class TtlListState<T> implements ListState<T> {
  constructor(
    private readonly table: Table,
    private readonly k: CurrentKey,
    private readonly ttl: StateTtlConfig,
    private readonly clock: Clock,
    private readonly name: string,
    private readonly cleanup: IncrementalCleanup | undefined,
  ) {}

  private stored(): Stamped<T>[] | undefined {
    const l = this.table.get(this.k.currentKeyId) as Stamped<T>[] | undefined;
    if (l === undefined && this.k.currentKeyId === NO_KEY) throw noKeyError(`State '${this.name}'`);
    return l;
  }
  get(): T[] {
    const l = this.stored();
    if (!l) return [];
    const now = this.clock.now();
    const { ttl, updateType, visibility } = this.ttl;
    const out: T[] = [];
    let live = 0;
    for (let i = 0; i < l.length; i++) {
      const e = l[i]!;
      if (now - e.t >= ttl) {
        if (visibility === 'ReturnExpiredIfNotCleanedUp') out.push(e.v);
        continue;
      }
      if (updateType === 'OnReadAndWrite') e.t = now;
      l[live++] = e;
      out.push(e.v);
    }
    if (live === 0) this.table.delete(this.k.currentKeyId);
    else l.length = live;
    return out;
  }
  add(value: T): void {
    const l = this.stored();
    const now = this.clock.now();
    const e = { v: value, t: now };
    if (l) l.push(e);
    else this.table.set(this.k.currentKeyId, [e]);
    this.cleanup?.step(now);
  }
  addAll(values: T[]): void {
    for (const v of values) this.add(v);
  }
  update(values: T[]): void {
    if (values.length === 0) return this.clear();
    if (this.k.currentKeyId === NO_KEY) throw noKeyError(`State '${this.name}'`);
    const t = this.clock.now();
    this.table.set(this.k.currentKeyId, values.map((v) => ({ v, t })));
    this.cleanup?.step(t);
  }
  clear(): void {
    this.table.delete(this.k.currentKeyId);
  }
}

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

/**
 * Drops the expired parts of one stored value of a state with TTL, in place: the whole value for
 * Value/Reducing/Aggregating state, expired elements of a list, expired entries of a map. Returns
 * true when nothing is left, so the caller removes the key.
 */
export function ttlPruner(type: StateDescriptor['type'], ttl: number): (raw: unknown, now: number) => boolean {
  if (type === 'list') {
    return (raw, now) => {
      const l = raw as Stamped<unknown>[];
      let live = 0;
      for (let i = 0; i < l.length; i++) if (now - l[i]!.t < ttl) l[live++] = l[i]!;
      l.length = live;
      return live === 0;
    };
  }
  if (type === 'map') {
    return (raw, now) => {
      const m = raw as Map<unknown, StampedEntry<unknown, unknown>>;
      for (const [id, e] of m) if (now - e[2] >= ttl) m.delete(id);
      return m.size === 0;
    };
  }
  return (raw, now) => now - (raw as Stamped<unknown>).t >= ttl;
}
