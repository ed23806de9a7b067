import type { Clock } from '../../core/clock.js';
import { WeirError } from '../../core/errors.js';
import { CANONICAL_FORMAT_VERSION, HEAP_BACKEND, readCanonicalSnapshot } from './canonical-format.js';
import { normalizeKey } from '../../core/key-group.js';
import type {
  AggregatingState,
  AggregatingStateDescriptor,
  KeyedStateStore,
  ListState,
  ListStateDescriptor,
  MapState,
  MapStateDescriptor,
  ReducingState,
  ReducingStateDescriptor,
  StateDescriptor,
  ValueState,
  ValueStateDescriptor,
} from '../../core/state.js';
import type { KeyedStateBackend, KeyedStateBackendSnapshot, SnapshotRequest } from '../../core/state-backend.js';
import { NO_KEY, type CurrentKey } from './current-key.js';
import { denormalizeKey, restoreTables, snapshotTables, type KeyedStateSnapshot, type StateTable } from './keyed-state-snapshot.js';
import { HeapAggregatingState, HeapListState, HeapMapState, HeapReducingState, HeapValueState } from './heap-states.js';
import { restamp } from './stored-format.js';
import { TtlAccess } from './ttl.js';
import { CowMap } from './cow-map.js';
import { snapshotTablesAsync, type ChunkedKeyedSnapshot } from './chunked-keyed-snapshot.js';
import type { IncrementalKeyedSnapshot } from './shared-state-file.js';
import { IncrementalCleanup, ttlPruner } from './ttl-cleanup.js';
import { TtlListState } from './ttl-list-state.js';
import { TtlMapState } from './ttl-map-state.js';

export { denormalizeKey, type KeyedStateSnapshot } from './keyed-state-snapshot.js';

export { HEAP_BACKEND } from './canonical-format.js';
/** Version of the heap backend's snapshot format; bumped when its layout changes incompatibly. */
export const HEAP_FORMAT_VERSION = CANONICAL_FORMAT_VERSION;
const HEAP_FORMAT = { backend: HEAP_BACKEND, version: HEAP_FORMAT_VERSION } as const;

/** A heap backend snapshot: by key group in memory, or chunked as checkpoints write it. */
export type HeapKeyedSnapshot = KeyedStateSnapshot | ChunkedKeyedSnapshot;

/** Checks that a snapshot is in the canonical format (the heap's or the disk backend's), in a version this Weir reads. */
export function readHeapSnapshot(s: KeyedStateBackendSnapshot): KeyedStateSnapshot | ChunkedKeyedSnapshot | IncrementalKeyedSnapshot {
  return readCanonicalSnapshot(s, HEAP_BACKEND) as KeyedStateSnapshot | ChunkedKeyedSnapshot | IncrementalKeyedSnapshot;
}

/**
 * Keyed state on the JavaScript heap (the default backend). Each state is one `Map` from the
 * normalized key to its value; key groups are computed only when a snapshot is taken, so the
 * per-record path is one Map lookup. Until a key is set, every state access throws.
 *
 * TTL: Value, Reducing and Aggregating state expire per key; List and Map state per element and
 * per entry, as in Flink. Turning TTL on or off for a state between a snapshot and its restore is
 * allowed: restored values are stamped with the restore time, or unstamped.
 *
 * @example
 * const backend = new HeapKeyedStateBackend(new SystemClock(), 128);
 * const count = backend.getState(valueState<number>('count', { defaultValue: 0 }));
 * backend.setCurrentKey('a');
 * count.update(count.value()! + 1);
 */
export class HeapKeyedStateBackend implements KeyedStateBackend, KeyedStateStore, CurrentKey {
  currentKeyId: unknown = NO_KEY;
  private currentKey: unknown = undefined;
  protected readonly tables = new Map<string, StateTable>();

  constructor(
    protected readonly clock: Clock,
    protected readonly maxParallelism: number,
    /** Keys of a TTL state checked for expiry on each write to it (0 turns incremental cleanup off). */
    private readonly ttlCleanupPerWrite = 2,
  ) {}

  /** The table of a new state: copy-on-write, so a checkpoint can write it out while records keep changing it. */
  protected newTable(_name: string): Map<unknown, unknown> {
    return new CowMap<unknown, unknown>();
  }

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

  private entry(desc: StateDescriptor, make: (table: Map<unknown, unknown>, ttl: TtlAccess<any>, cleanup: IncrementalCleanup | undefined) => unknown): any {
    const e = this.tables.get(desc.name);
    if (e?.handle) {
      if (e.desc.type !== desc.type)
        throw new WeirError(`State '${desc.name}' is ${e.desc.type} state and cannot be used as ${desc.type} state: give each state its own name`);
      return e.handle;
    }
    const table = e?.table ?? this.newTable(desc.name);
    const cleanup =
      desc.ttl && this.ttlCleanupPerWrite > 0 ? new IncrementalCleanup(table, ttlPruner(desc.type, desc.ttl.ttl), this.ttlCleanupPerWrite) : undefined;
    const ttl = new TtlAccess<unknown>(desc.ttl, this.clock, desc.name, cleanup);
    if (!e) {
      const handle = make(table, ttl, cleanup);
      this.tables.set(desc.name, { desc, table, ttl, handle });
      return handle;
    }
    const was = e.restored;
    if (was && was.type !== desc.type) {
      throw new WeirError(
        `State '${desc.name}' was restored as ${was.type} state and cannot be used as ${desc.type} state: keep its type, or give the new state another name`,
      );
    }
    if (was && was.ttl !== !!desc.ttl) {
      const now = this.clock.now();
      for (const [k, v] of e.table) e.table.set(k, restamp(desc.type, v, !!desc.ttl, now));
    }
    e.desc = desc;
    e.ttl = ttl;
    e.restored = undefined;
    e.handle = make(e.table, ttl, cleanup);
    return e.handle;
  }

  getState<T>(d: ValueStateDescriptor<T>): ValueState<T> {
    return this.entry(d, (t, ttl) => new HeapValueState<T>(t, this, ttl, d.defaultValue));
  }
  getListState<T>(d: ListStateDescriptor<T>): ListState<T> {
    return this.entry(d, (t, ttl, cleanup) => (d.ttl ? new TtlListState<T>(t, this, d.ttl, this.clock, d.name, cleanup) : new HeapListState<T>(t, this, ttl)));
  }
  getMapState<K, V>(d: MapStateDescriptor<K, V>): MapState<K, V> {
    return this.entry(d, (t, ttl, cleanup) =>
      d.ttl ? new TtlMapState<K, V>(t, this, d.ttl, this.clock, d.name, cleanup) : new HeapMapState<K, V>(t, this, ttl),
    );
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
  stateSize(): { entries: number; bytes?: number } {
    let entries = 0;
    for (const t of this.tables.values()) entries += t.table.size;
    return { entries };
  }

  keys(name: string): unknown[] {
    return [...(this.tables.get(name)?.table.keys() ?? [])].map(denormalizeKey);
  }

  /**
   * A copy of all state grouped by key group. Values are shared, not cloned: callers serialize the
   * result before processing resumes. Expired TTL values, elements and entries are removed first.
   */
  snapshot(): KeyedStateSnapshot {
    return { ...snapshotTables(this.tables, this.maxParallelism, this.clock.now()), ...HEAP_FORMAT };
  }

  /**
   * The checkpoint form of {@link snapshot}: tables freeze now (the only synchronous step) and are
   * written out in short slices; records processed meanwhile change the tables' overlays.
   */
  async snapshotAsync(_request?: SnapshotRequest): Promise<ChunkedKeyedSnapshot | IncrementalKeyedSnapshot> {
    return { ...(await snapshotTablesAsync(this.tables, this.clock.now())), ...HEAP_FORMAT };
  }

  /** Loads the given key groups of one or more snapshots (any parallelism wrote them). Call before any state is registered. */
  restore(snapshots: KeyedStateBackendSnapshot[], owns: (keyGroup: number) => boolean): void {
    restoreTables(
      this.tables,
      snapshots.map(readHeapSnapshot),
      owns,
      () => new TtlAccess(undefined, this.clock),
      this.maxParallelism,
      (name) => this.newTable(name),
    );
  }
}
