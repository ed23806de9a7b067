import { normalizeKey } from '../../core/key-group.js';
import { windowNamespace, type Window } from '../../core/window/window.js';
import {
  mapState, type AggregateFunction, type AggregatingState, type AggregatingStateDescriptor, type KeyedStateStore, type ListState,
  type ListStateDescriptor, type MapState, type MapStateDescriptor, type ReducingState, type ReducingStateDescriptor,
  type StateDescriptor, type ValueState, type ValueStateDescriptor,
} from '../../core/state.js';

/** A keyed map from window namespace to value: the storage of one window-scoped state. */
type Backing = MapState<string, any>;

/**
 * Keyed state scoped to the current key and window: each state is a keyed map state from window
 * namespace to value, so window state lives in (and is snapshotted with) ordinary keyed state.
 * The owner sets `namespace` (or `window`, whose namespace is then computed on first use) before
 * handing the store to a trigger or window function.
 */
export class WindowStateStore implements KeyedStateStore {
  private ns = '';
  private pending: Window | undefined;
  get namespace(): string {
    if (this.pending !== undefined) {
      this.ns = windowNamespace(this.pending);
      this.pending = undefined;
    }
    return this.ns;
  }
  set namespace(ns: string) {
    this.ns = ns;
    this.pending = undefined;
  }
  /** Scopes the store to `w`; most window functions never touch window state, so no string is built until one does. */
  setWindow(w: Window): void {
    this.pending = w;
  }
  private readonly handles = new Map<string, { desc: StateDescriptor; backing: Backing; handle: unknown }>();

  constructor(private readonly keyed: KeyedStateStore, private readonly prefix: string) {}

  private entry(d: StateDescriptor, make: (b: Backing) => unknown): any {
    const e = this.handles.get(d.name);
    if (e) {
      if (e.desc.type !== d.type) throw new Error(`Window state '${d.name}' was registered as ${e.desc.type} state and is now requested as ${d.type} state`);
      return e.handle;
    }
    const backing = this.keyed.getMapState<string, any>(mapState(this.prefix + d.name, d.ttl ? { ttl: d.ttl } : {}));
    const handle = make(backing);
    this.handles.set(d.name, { desc: d, backing, handle });
    return handle;
  }

  getState<T>(d: ValueStateDescriptor<T>): ValueState<T> {
    return this.entry(d, (b) => new ScopedValue<T>(this, b, d.defaultValue));
  }
  getListState<T>(d: ListStateDescriptor<T>): ListState<T> {
    return this.entry(d, (b) => new ScopedList<T>(this, b));
  }
  getMapState<K, V>(d: MapStateDescriptor<K, V>): MapState<K, V> {
    return this.entry(d, (b) => new ScopedMap<K, V>(this, b));
  }
  getReducingState<T>(d: ReducingStateDescriptor<T>): ReducingState<T> {
    return this.entry(d, (b) => new ScopedReducing<T>(this, b, d.reduce));
  }
  getAggregatingState<IN, ACC, OUT>(d: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT> {
    return this.entry(d, (b) => new ScopedAggregating<IN, ACC, OUT>(this, b, d.aggregate));
  }

  /** Any kind of state, by its descriptor (the trigger context's `getPartitionedState`). */
  get(d: StateDescriptor): unknown {
    switch (d.type) {
      case 'value': return this.getState(d);
      case 'list': return this.getListState(d);
      case 'map': return this.getMapState(d);
      case 'reducing': return this.getReducingState(d);
      case 'aggregating': return this.getAggregatingState(d);
    }
  }

  /** Folds state `d` of the `sources` windows into the `target` window (session merges). */
  merge(d: StateDescriptor, target: string, sources: string[]): void {
    this.get(d);
    const b = this.handles.get(d.name)!.backing;
    let acc = b.get(target);
    for (const s of sources) {
      if (s === target) continue;
      const v = b.get(s);
      if (v === undefined) continue;
      b.remove(s);
      if (acc === undefined) acc = v;
      else if (d.type === 'reducing') acc = d.reduce(acc, v);
      else if (d.type === 'list') acc = (acc as unknown[]).concat(v);
      else if (d.type === 'aggregating' && d.aggregate.merge) acc = d.aggregate.merge(acc, v);
      else throw new Error(`Window state '${d.name}' (${d.type}) cannot be merged: use reducing, list, or aggregating state with merge()`);
    }
    if (acc !== undefined) b.put(target, acc);
  }
}

class ScopedValue<T> implements ValueState<T> {
  constructor(private readonly s: WindowStateStore, private readonly b: Backing, private readonly dflt: T | undefined) {}
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

class ScopedList<T> implements ListState<T> {
  constructor(private readonly s: WindowStateStore, private readonly b: Backing) {}
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

class ScopedReducing<T> implements ReducingState<T> {
  constructor(private readonly s: WindowStateStore, private readonly b: Backing, private readonly reduce: (a: T, b: T) => T) {}
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

class ScopedAggregating<IN, ACC, OUT> implements AggregatingState<IN, OUT> {
  constructor(private readonly s: WindowStateStore, private readonly b: Backing, private readonly fn: AggregateFunction<IN, ACC, OUT>) {}
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
class ScopedMap<K, V> implements MapState<K, V> {
  constructor(private readonly s: WindowStateStore, private readonly b: Backing) {}
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
