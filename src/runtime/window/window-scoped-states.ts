import { normalizeKey } from '../../core/key-group.js';
import type { AggregateFunction, AggregatingState, ListState, MapState, ReducingState, ValueState } from '../../core/state.js';

/** A keyed map from window namespace to value: the storage of one window-scoped state. */
export type Backing = MapState<string, any>;

/** Where a scoped state reads the current window's namespace. */
export interface Scope {
  readonly namespace: string;
}

// The state kinds of the KeyedStateStore API, one entry per window in a keyed map state.

export class ScopedValue<T> implements ValueState<T> {
  constructor(
    private readonly s: Scope,
    private readonly b: Backing,
    private readonly dflt: T | undefined,
  ) {}
  value(): T | undefined {
    const v = this.b.get(this.s.namespace);
    return v === undefined ? this.dflt : v;
  }
  update(value: T | undefined): void {
    if (value === undefined) this.b.remove(this.s.namespace);
    else this.b.put(this.s.namespace, value);
  }
  clear(): void {
    this.b.remove(this.s.namespace);
  }
}

export class ScopedList<T> implements ListState<T> {
  constructor(
    private readonly s: Scope,
    private readonly b: Backing,
  ) {}
  get(): T[] {
    return this.b.get(this.s.namespace) ?? [];
  }
  add(value: T): void {
    this.addAll([value]);
  }
  addAll(values: T[]): void {
    const cur: T[] | undefined = this.b.get(this.s.namespace);
    this.b.put(this.s.namespace, cur ? cur.concat(values) : values.slice());
  }
  update(values: T[]): void {
    if (values.length === 0) this.clear();
    else this.b.put(this.s.namespace, values.slice());
  }
  clear(): void {
    this.b.remove(this.s.namespace);
  }
}

export class ScopedReducing<T> implements ReducingState<T> {
  constructor(
    private readonly s: Scope,
    private readonly b: Backing,
    private readonly reduce: (a: T, b: T) => T,
  ) {}
  get(): T | undefined {
    return this.b.get(this.s.namespace);
  }
  add(value: T): void {
    const cur = this.b.get(this.s.namespace);
    this.b.put(this.s.namespace, cur === undefined ? value : this.reduce(cur, value));
  }
  clear(): void {
    this.b.remove(this.s.namespace);
  }
}

export class ScopedAggregating<IN, ACC, OUT> implements AggregatingState<IN, OUT> {
  constructor(
    private readonly s: Scope,
    private readonly b: Backing,
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
  ) {}
  get(): OUT | undefined {
    const acc = this.b.get(this.s.namespace);
    return acc === undefined ? undefined : this.fn.getResult(acc);
  }
  add(value: IN): void {
    const acc = this.b.get(this.s.namespace);
    this.b.put(this.s.namespace, this.fn.add(value, acc === undefined ? this.fn.createAccumulator() : acc));
  }
  clear(): void {
    this.b.remove(this.s.namespace);
  }
}

/** A map per window, stored as one JS Map (entries keyed like stream keys, so tuples compare by value). */
export class ScopedMap<K, V> implements MapState<K, V> {
  constructor(
    private readonly s: Scope,
    private readonly b: Backing,
  ) {}
  private m(create: boolean): Map<unknown, [K, V]> | undefined {
    let m = this.b.get(this.s.namespace) as Map<unknown, [K, V]> | undefined;
    if (!m && create) this.b.put(this.s.namespace, (m = new Map()));
    return m;
  }
  get(key: K): V | undefined {
    return this.m(false)?.get(normalizeKey(key))?.[1];
  }
  put(key: K, value: V): void {
    const m = this.m(true)!;
    m.set(normalizeKey(key), [key, value]);
    this.b.put(this.s.namespace, m);
  }
  putAll(entries: Iterable<[K, V]>): void {
    for (const [k, v] of entries) this.put(k, v);
  }
  remove(key: K): void {
    const m = this.m(false);
    if (!m) return;
    m.delete(normalizeKey(key));
    if (m.size === 0) this.clear();
    else this.b.put(this.s.namespace, m);
  }
  contains(key: K): boolean {
    return this.m(false)?.has(normalizeKey(key)) ?? false;
  }
  *entries(): IterableIterator<[K, V]> {
    const m = this.m(false);
    if (m) for (const [k, v] of m.values()) yield [k, v];
  }
  *keys(): IterableIterator<K> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }
  isEmpty(): boolean {
    return (this.m(false)?.size ?? 0) === 0;
  }
  clear(): void {
    this.b.remove(this.s.namespace);
  }
}
