import type { AggregateFunction, AggregatingState, ListState, MapState, ReducingState, ValueState } from '../../core/state.js';
import { normalizeKey } from '../../core/key-group.js';
import type { CurrentKey } from './current-key.js';
import type { TtlAccess } from './ttl.js';

export type { CurrentKey } from './current-key.js';

type Table = Map<unknown, unknown>;

// Every state reads the current key from the shared CurrentKey object: switching keys costs one
// assignment, and each access is one lookup in the state's table.

export class HeapValueState<T> implements ValueState<T> {
  constructor(
    private readonly table: Table,
    private readonly k: CurrentKey,
    private readonly ttl: TtlAccess<T>,
    private readonly defaultValue: T | undefined,
  ) {}
  value(): T | undefined {
    const v = this.ttl.read(this.table, this.k.currentKeyId);
    return v === undefined ? this.defaultValue : v;
  }
  update(value: T | undefined): void {
    if (value === undefined) this.table.delete(this.k.currentKeyId);
    else this.ttl.write(this.table, this.k.currentKeyId, value);
  }
  clear(): void {
    this.table.delete(this.k.currentKeyId);
  }
}

/** `get()` returns the stored array itself: read it, do not change it. */
export class HeapListState<T> implements ListState<T> {
  constructor(
    private readonly table: Table,
    private readonly k: CurrentKey,
    private readonly ttl: TtlAccess<T[]>,
  ) {}
  get(): T[] {
    return this.ttl.read(this.table, this.k.currentKeyId) ?? [];
  }
  add(value: T): void {
    const key = this.k.currentKeyId;
    const cur = this.ttl.readLive(this.table, key);
    if (cur) {
      cur.push(value);
      this.ttl.touch(this.table, key, cur);
    } else this.ttl.write(this.table, key, [value]);
  }
  addAll(values: T[]): void {
    if (values.length === 0) return;
    const key = this.k.currentKeyId;
    const cur = this.ttl.readLive(this.table, key);
    if (cur) {
      for (const v of values) cur.push(v);
      this.ttl.touch(this.table, key, cur);
    } else this.ttl.write(this.table, key, values.slice());
  }
  update(values: T[]): void {
    if (values.length === 0) this.clear();
    else this.ttl.write(this.table, this.k.currentKeyId, values.slice());
  }
  clear(): void {
    this.table.delete(this.k.currentKeyId);
  }
}

/** User map keys are normalized like stream keys, so tuple keys compare by value. */
export class HeapMapState<K, V> implements MapState<K, V> {
  constructor(
    private readonly table: Table,
    private readonly k: CurrentKey,
    private readonly ttl: TtlAccess<Map<unknown, [K, V]>>,
  ) {}
  private map(): Map<unknown, [K, V]> | undefined {
    return this.ttl.read(this.table, this.k.currentKeyId);
  }
  get(key: K): V | undefined {
    return this.map()?.get(normalizeKey(key))?.[1];
  }
  put(key: K, value: V): void {
    const id = this.k.currentKeyId;
    const m = this.ttl.readLive(this.table, id);
    if (m) {
      m.set(normalizeKey(key), [key, value]);
      this.ttl.touch(this.table, id, m);
    } else this.ttl.write(this.table, id, new Map([[normalizeKey(key), [key, value]]]));
  }
  putAll(entries: Iterable<[K, V]>): void {
    for (const [k, v] of entries) this.put(k, v);
  }
  remove(key: K): void {
    const id = this.k.currentKeyId;
    const m = this.ttl.readLive(this.table, id);
    if (!m || !m.delete(normalizeKey(key))) return;
    if (m.size === 0) this.table.delete(id);
    else this.ttl.touch(this.table, id, m);
  }
  contains(key: K): boolean {
    return this.map()?.has(normalizeKey(key)) ?? false;
  }
  *entries(): IterableIterator<[K, V]> {
    const m = this.map();
    if (m) for (const e of m.values()) yield [e[0], e[1]];
  }
  *keys(): IterableIterator<K> {
    const m = this.map();
    if (m) for (const e of m.values()) yield e[0];
  }
  *values(): IterableIterator<V> {
    const m = this.map();
    if (m) for (const e of m.values()) yield e[1];
  }
  isEmpty(): boolean {
    return (this.map()?.size ?? 0) === 0;
  }
  clear(): void {
    this.table.delete(this.k.currentKeyId);
  }
}

export class HeapReducingState<T> implements ReducingState<T> {
  constructor(
    private readonly table: Table,
    private readonly k: CurrentKey,
    private readonly ttl: TtlAccess<T>,
    private readonly reduce: (a: T, b: T) => T,
  ) {}
  get(): T | undefined {
    return this.ttl.read(this.table, this.k.currentKeyId);
  }
  add(value: T): void {
    const cur = this.ttl.readLive(this.table, this.k.currentKeyId);
    this.ttl.write(this.table, this.k.currentKeyId, cur === undefined ? value : this.reduce(cur, value));
  }
  clear(): void {
    this.table.delete(this.k.currentKeyId);
  }
}

export class HeapAggregatingState<IN, ACC, OUT> implements AggregatingState<IN, OUT> {
  constructor(
    private readonly table: Table,
    private readonly k: CurrentKey,
    private readonly ttl: TtlAccess<ACC>,
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
  ) {}
  get(): OUT | undefined {
    const acc = this.ttl.read(this.table, this.k.currentKeyId);
    return acc === undefined ? undefined : this.fn.getResult(acc);
  }
  add(value: IN): void {
    const acc = this.ttl.readLive(this.table, this.k.currentKeyId);
    this.ttl.write(this.table, this.k.currentKeyId, this.fn.add(value, acc === undefined ? this.fn.createAccumulator() : acc));
  }
  clear(): void {
    this.table.delete(this.k.currentKeyId);
  }
}
