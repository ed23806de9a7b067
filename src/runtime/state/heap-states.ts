import type { AggregateFunction, AggregatingState, ListState, MapState, ReducingState, ValueState } from '../../core/state.js';
import { normalizeKey } from '../../core/key-group.js';
import type { TtlAccess } from './ttl.js';

/** The current key as the backend's states see it (normalized for use as a Map key). */
export interface CurrentKey {
  currentKeyId: unknown;
}

type Table = Map<unknown, unknown>;

export class HeapValueState<T> implements ValueState<T> {
  constructor(private readonly table: Table, private readonly k: CurrentKey, private readonly ttl: TtlAccess<T>, private readonly defaultValue: T | undefined) {}
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

export class HeapListState<T> implements ListState<T> {
  constructor(private readonly table: Table, private readonly k: CurrentKey, private readonly ttl: TtlAccess<T[]>) {}
  get(): T[] {
    return this.ttl.read(this.table, this.k.currentKeyId) ?? [];
  }
  add(value: T): void {
    const cur = this.ttl.read(this.table, this.k.currentKeyId);
    if (cur) {
      cur.push(value);
      this.ttl.write(this.table, this.k.currentKeyId, cur);
    } else this.ttl.write(this.table, this.k.currentKeyId, [value]);
  }
  addAll(values: T[]): void {
    for (const v of values) this.add(v);
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
  constructor(private readonly table: Table, private readonly k: CurrentKey, private readonly ttl: TtlAccess<Map<unknown, [K, V]>>) {}
  private map(create: boolean): Map<unknown, [K, V]> | undefined {
    let m = this.ttl.read(this.table, this.k.currentKeyId);
    if (!m && create) {
      m = new Map();
      this.ttl.write(this.table, this.k.currentKeyId, m);
    }
    return m;
  }
  get(key: K): V | undefined {
    return this.map(false)?.get(normalizeKey(key))?.[1];
  }
  put(key: K, value: V): void {
    this.map(true)!.set(normalizeKey(key), [key, value]);
    this.touch();
  }
  putAll(entries: Iterable<[K, V]>): void {
    for (const [k, v] of entries) this.put(k, v);
  }
  remove(key: K): void {
    const m = this.map(false);
    if (!m) return;
    m.delete(normalizeKey(key));
    if (m.size === 0) this.clear();
  }
  contains(key: K): boolean {
    return this.map(false)?.has(normalizeKey(key)) ?? false;
  }
  *entries(): IterableIterator<[K, V]> {
    const m = this.map(false);
    if (m) for (const e of m.values()) yield [e[0], e[1]];
  }
  *keys(): IterableIterator<K> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }
  isEmpty(): boolean {
    return (this.map(false)?.size ?? 0) === 0;
  }
  clear(): void {
    this.table.delete(this.k.currentKeyId);
  }
  private touch(): void {
    const m = this.map(false);
    if (m) this.ttl.write(this.table, this.k.currentKeyId, m);
  }
}

export class HeapReducingState<T> implements ReducingState<T> {
  constructor(private readonly table: Table, private readonly k: CurrentKey, private readonly ttl: TtlAccess<T>, private readonly reduce: (a: T, b: T) => T) {}
  get(): T | undefined {
    return this.ttl.read(this.table, this.k.currentKeyId);
  }
  add(value: T): void {
    const cur = this.ttl.read(this.table, this.k.currentKeyId);
    this.ttl.write(this.table, this.k.currentKeyId, cur === undefined ? value : this.reduce(cur, value));
  }
  clear(): void {
    this.table.delete(this.k.currentKeyId);
  }
}

export class HeapAggregatingState<IN, ACC, OUT> implements AggregatingState<IN, OUT> {
  constructor(private readonly table: Table, private readonly k: CurrentKey, private readonly ttl: TtlAccess<ACC>, private readonly fn: AggregateFunction<IN, ACC, OUT>) {}
  get(): OUT | undefined {
    const acc = this.ttl.read(this.table, this.k.currentKeyId);
    return acc === undefined ? undefined : this.fn.getResult(acc);
  }
  add(value: IN): void {
    const acc = this.ttl.read(this.table, this.k.currentKeyId);
    this.ttl.write(this.table, this.k.currentKeyId, this.fn.add(value, acc === undefined ? this.fn.createAccumulator() : acc));
  }
  clear(): void {
    this.table.delete(this.k.currentKeyId);
  }
}
