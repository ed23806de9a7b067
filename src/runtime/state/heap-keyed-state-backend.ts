import type { Clock } from '../../core/clock.js';
import { WeirError } from '../../core/errors.js';
import { hashKey, normalizeKey } from '../../core/key-group.js';
import type {
  AggregatingState, AggregatingStateDescriptor, KeyedStateStore, ListState, ListStateDescriptor, MapState, MapStateDescriptor,
  ReducingState, ReducingStateDescriptor, StateDescriptor, ValueState, ValueStateDescriptor,
} from '../../core/state.js';
import { NO_KEY, type CurrentKey } from './current-key.js';
import { HeapAggregatingState, HeapListState, HeapMapState, HeapReducingState, HeapValueState } from './heap-states.js';
import { TtlAccess } from './ttl.js';

/** Inverse of `normalizeKey`, so a key can be recovered from state and timers alone. */
export function denormalizeKey(id: unknown): unknown {
  return typeof id === 'string' && id.charCodeAt(0) === 0 ? JSON.parse(id.slice(1)) : id;
}

/** Keyed state of one operator subtask: `name -> state, key -> value`, grouped by key group in snapshots. */
export interface KeyedStateSnapshot {
  /** keyGroup -> stateName -> [normalizedKey, storedValue][] */
  readonly groups: Record<number, Record<string, [unknown, unknown][]>>;
}

/**
 * Keyed state on the JavaScript heap (the default backend). Each state is one `Map` from the
 * normalized key to its value; key groups are computed only when a snapshot is taken, so the
 * per-record path is one Map lookup. Until a key is set, every state access throws.
 *
 * @example
 * const backend = new HeapKeyedStateBackend(new SystemClock(), 128);
 * const count = backend.getState(valueState<number>('count', { defaultValue: 0 }));
 * backend.setCurrentKey('a');
 * count.update(count.value()! + 1);
 */
export class HeapKeyedStateBackend implements KeyedStateStore, CurrentKey {
  currentKeyId: unknown = NO_KEY;
  private currentKey: unknown = undefined;
  private readonly tables = new Map<string, { desc: StateDescriptor; table: Map<unknown, unknown>; ttl: TtlAccess<unknown>; handle: unknown }>();

  constructor(private readonly clock: Clock, private readonly maxParallelism: number) {}

  setCurrentKey(key: unknown): void {
    this.currentKey = key;
    this.currentKeyId = normalizeKey(key);
  }
  setCurrentKeyId(id: unknown): void {
    this.currentKeyId = id;
    this.currentKey = denormalizeKey(id);
  }
  getCurrentKey(): unknown {
    return this.currentKey;
  }

  private entry(desc: StateDescriptor, make: (table: Map<unknown, unknown>, ttl: TtlAccess<any>) => unknown): any {
    const existing = this.tables.get(desc.name);
    if (existing) {
      if (existing.handle && existing.desc.type !== desc.type) {
        throw new WeirError(`State '${desc.name}' is ${existing.desc.type} state and cannot be used as ${desc.type} state: give each state its own name`);
      }
      if (existing.handle) return existing.handle;
      existing.desc = desc;
      existing.ttl = new TtlAccess(desc.ttl, this.clock, desc.name);
      existing.handle = make(existing.table, existing.ttl);
      return existing.handle;
    }
    const table = new Map<unknown, unknown>();
    const ttl = new TtlAccess<unknown>(desc.ttl, this.clock, desc.name);
    const e = { desc, table, ttl, handle: undefined as unknown };
    e.handle = make(table, ttl);
    this.tables.set(desc.name, e);
    return e.handle;
  }

  getState<T>(d: ValueStateDescriptor<T>): ValueState<T> {
    return this.entry(d, (t, ttl) => new HeapValueState<T>(t, this, ttl, d.defaultValue));
  }
  getListState<T>(d: ListStateDescriptor<T>): ListState<T> {
    return this.entry(d, (t, ttl) => new HeapListState<T>(t, this, ttl));
  }
  getMapState<K, V>(d: MapStateDescriptor<K, V>): MapState<K, V> {
    return this.entry(d, (t, ttl) => new HeapMapState<K, V>(t, this, ttl));
  }
  getReducingState<T>(d: ReducingStateDescriptor<T>): ReducingState<T> {
    return this.entry(d, (t, ttl) => new HeapReducingState<T>(t, this, ttl, d.reduce));
  }
  getAggregatingState<IN, ACC, OUT>(d: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT> {
    return this.entry(d, (t, ttl) => new HeapAggregatingState<IN, ACC, OUT>(t, this, ttl, d.aggregate));
  }

  /** Number of keys with a value in state `name` (for tests and metrics). */
  size(name: string): number {
    return this.tables.get(name)?.table.size ?? 0;
  }

  /** All keys that have a value in state `name`. */
  keys(name: string): unknown[] {
    return [...(this.tables.get(name)?.table.keys() ?? [])].map(denormalizeKey);
  }

  /**
   * A copy of all state grouped by key group. Values are shared, not cloned: callers serialize the
   * result before processing resumes. Expired TTL entries are left out.
   */
  snapshot(): KeyedStateSnapshot {
    const groups: Record<number, Record<string, [unknown, unknown][]>> = {};
    for (const [name, { table, ttl }] of this.tables) {
      for (const [k, v] of table) {
        if (ttl.expired(v)) continue;
        const g = hashKey(k) % this.maxParallelism;
        ((groups[g] ??= {})[name] ??= []).push([k, v]);
      }
    }
    return { groups };
  }

  /** Loads the given key groups of one or more snapshots (any parallelism wrote them). */
  restore(snapshots: KeyedStateSnapshot[], owns: (keyGroup: number) => boolean): void {
    for (const s of snapshots) {
      for (const [g, states] of Object.entries(s.groups)) {
        if (!owns(Number(g))) continue;
        for (const [name, entries] of Object.entries(states)) {
          let e = this.tables.get(name);
          if (!e) {
            e = { desc: { type: 'value', name } as StateDescriptor, table: new Map(), ttl: new TtlAccess(undefined, this.clock, name), handle: undefined };
            this.tables.set(name, e);
          }
          for (const [k, v] of entries) e.table.set(k, v);
        }
      }
    }
  }
}
