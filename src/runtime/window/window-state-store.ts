import { windowNamespace, type Window } from '../../core/window/window.js';
import {
  mapState,
  type AggregatingState,
  type AggregatingStateDescriptor,
  type KeyedStateStore,
  type ListState,
  type ListStateDescriptor,
  type MapState,
  type MapStateDescriptor,
  type ReducingState,
  type ReducingStateDescriptor,
  type StateDescriptor,
  type ValueState,
  type ValueStateDescriptor,
} from '../../core/state.js';
import { ScopedAggregating, ScopedList, ScopedMap, ScopedReducing, ScopedValue, type Backing } from './window-scoped-states.js';

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

  constructor(
    private readonly keyed: KeyedStateStore,
    private readonly prefix: string,
  ) {}

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
      case 'value':
        return this.getState(d);
      case 'list':
        return this.getListState(d);
      case 'map':
        return this.getMapState(d);
      case 'reducing':
        return this.getReducingState(d);
      case 'aggregating':
        return this.getAggregatingState(d);
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
