import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics, serialize } from 'node:v8';
import type { Database, RootDatabase, Transaction } from 'lmdb';
import type { Clock } from '../../../core/clock.js';
import type { StateDescriptor } from '../../../core/state.js';
import type { KeyedStateBackendSnapshot, SnapshotRequest } from '../../../core/state-backend.js';
import { CANONICAL_FORMAT_VERSION, LMDB_BACKEND, readCanonicalSnapshot } from '../canonical-format.js';
import type { ChunkedKeyedSnapshot } from '../chunked-keyed-snapshot.js';
import { HeapKeyedStateBackend } from '../heap-keyed-state-backend.js';
import type { KeyedStateSnapshot } from '../keyed-state-snapshot.js';
import { restoreTables } from '../keyed-state-snapshot.js';
import { TtlAccess } from '../ttl.js';
import { ttlPruner } from '../ttl-cleanup.js';
import { decodeDiskKey, DiskKeyLayout } from './disk-key.js';
import { DiskTable } from './disk-table.js';
import { CacheBudget } from './cache-budget.js';
import { LmdbTimerStore } from './lmdb-timer-store.js';
import { unpackValue } from './value-codec.js';
import { IncrementLog, type Changes, type IncrementPlan } from './increment-log.js';
import { encodeStateFile, type IncrementalKeyedSnapshot } from '../shared-state-file.js';

const LMDB_FORMAT = { backend: LMDB_BACKEND, version: CANONICAL_FORMAT_VERSION } as const;
/** Entries per serialized snapshot chunk (as the heap backend's). */
const CHUNK = 16_384;
/** The snapshot writer gives the event loop back after this much work, so processing goes on. */
const SLICE_MS = 4;

/** Options of the disk backend (`state.backend.lmdb.*`). */
export interface LmdbBackendOptions {
  /** Directory under which each keyed subtask opens its store; default: the system temp directory. */
  readonly localDir?: string | undefined;
  /**
   * Bytes of managed memory (`memory.managed-size`, or `memory.managed-fraction` of the heap
   * limit): the estimated heap the caches of all states may hold, shared by the subtasks a factory
   * serves in one isolate. Default: a quarter of V8's heap limit.
   */
  readonly managedBytes?: number | undefined;
  /**
   * Most entries of each state kept deserialized per subtask (`memory.cache-entries`), on top of
   * the managed memory; also the timers kept in memory per time domain (default 100000).
   */
  readonly cacheEntries?: number | undefined;
  /** Incremental checkpoints (`execution.checkpointing.incremental`): each writes what changed since the last one. */
  readonly incremental?: boolean;
  /** Keys of a TTL state checked for expiry on each write to it (default 2; 0 turns incremental cleanup off). */
  readonly ttlCleanupPerWrite?: number;
}

/**
 * Changed keys of a state tracked per checkpoint interval at least (10 x the cache otherwise);
 * past that the next checkpoint is a full base, cheaper than a key set as large as the state.
 */
const CHANGES_TRACKED_MIN = 100_000;
/**
 * `memory.cache-entries` when not set, for what it still sizes: timers of a time domain kept in
 * memory, and changed keys tracked per state (10x) before a checkpoint is a full one.
 */
const DEFAULT_CACHE_ENTRIES = 100_000;
/** Share of V8's heap limit that is managed memory unless configured (Flink's default is 0.4 of its process). */
export const DEFAULT_MANAGED_FRACTION = 0.25;

/** The managed memory of {@link DEFAULT_MANAGED_FRACTION} of this isolate's heap limit, in bytes. */
export function defaultManagedBytes(fraction = DEFAULT_MANAGED_FRACTION): number {
  return Math.floor(getHeapStatistics().heap_size_limit * fraction);
}

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

// The native store loads when a job first uses the disk backend, not with the package.
const requireLmdb = createRequire(import.meta.url);

/**
 * Keyed state on local disk, in an embedded LMDB store per keyed subtask (`state.backend.type:
 * 'lmdb'`). Reads are synchronous, so the state API is the heap backend's; each state is a
 * {@link DiskTable}: a bounded cache of deserialized entries with write-back, in front of keys laid
 * out key group first. Snapshots are in the canonical format, so savepoints move between this
 * backend and the heap backend. The store is scratch space (state comes back from checkpoints): its
 * directory is unlinked as soon as the store is open, and its space returns when it closes.
 *
 * @example
 * const backend = new LmdbKeyedStateBackend(new SystemClock(), 128, { managedBytes: 64 * 1024 * 1024 });
 * backend.setCurrentKey('a');
 * backend.getState(valueState<number>('count')).update(1);
 * backend.dispose();
 */
export class LmdbKeyedStateBackend extends HeapKeyedStateBackend {
  readonly path: string;
  private readonly root: RootDatabase<Buffer, Buffer>;
  private readonly db: Database<Buffer, Buffer>;
  private closed = false;
  private lastSize: { entries: number; bytes?: number; cacheBytes?: number } = { entries: 0, bytes: 0, cacheBytes: 0 };
  private readonly increments = new IncrementLog();
  private readonly timerStores: Record<'event' | 'processing', LmdbTimerStore>;

  constructor(
    clock: Clock,
    maxParallelism: number,
    private readonly options: LmdbBackendOptions,
    /** Managed memory shared with other subtasks (the factory's); by default this backend's own. */
    private readonly budget = new CacheBudget(options.managedBytes ?? defaultManagedBytes()),
  ) {
    super(clock, maxParallelism, options.ttlCleanupPerWrite);
    const parent = options.localDir ?? tmpdir();
    mkdirSync(parent, { recursive: true });
    this.path = mkdtempSync(join(parent, 'weir-lmdb-'));
    const { open } = requireLmdb('lmdb') as typeof import('lmdb');
    // Durability comes from checkpoints, so the store need not sync to disk. A write map makes a
    // commit a change of mapped memory instead of copies of each changed page written with
    // write(2), and LMDB then keeps its dirty-page list unsorted: +38% events per CPU second on a
    // count per key over 500k keys (docs/performance.md). A stray write cannot reach the file
    // from JavaScript, and the store is scratch space anyway.
    this.root = open<Buffer, Buffer>({
      path: this.path,
      encoding: 'binary',
      keyEncoding: 'binary',
      noSync: true,
      noMetaSync: true,
      useWritemap: true,
      noMemInit: true,
      cache: false,
      compression: false,
      // State and the timers of each time domain are separate databases of one store.
      maxDbs: 4,
    });
    const db = (name: string) => this.root.openDB<Buffer, Buffer>({ name, encoding: 'binary', keyEncoding: 'binary', cache: false, compression: false });
    this.db = db('state');
    const timersInMemory = options.cacheEntries ?? DEFAULT_CACHE_ENTRIES;
    this.timerStores = {
      event: new LmdbTimerStore(db('timers-event'), timersInMemory),
      processing: new LmdbTimerStore(db('timers-processing'), timersInMemory),
    };
    // The open store keeps its files, so their names can go now: nothing is left behind when the
    // process is killed, and the disk space returns when the store closes.
    rmSync(this.path, { recursive: true, force: true });
  }

  protected override newTable(name: string): Map<unknown, unknown> {
    const cap = this.options.cacheEntries ?? Number.POSITIVE_INFINITY;
    const t = new DiskTable(this.db, new DiskKeyLayout(name, this.maxParallelism), cap, this.maxParallelism, this.budget);
    if (this.options.incremental) t.trackChanges(Math.max(CHANGES_TRACKED_MIN, (this.options.cacheEntries ?? DEFAULT_CACHE_ENTRIES) * 10));
    return t;
  }

  /**
   * The store of a time domain's timers: past `memory.cache-entries` timers in memory, the latest
   * go to disk, ordered by time (see `TimerQueue`).
   */
  timerStore(domain: 'event' | 'processing'): LmdbTimerStore {
    return this.timerStores[domain];
  }

  /** Entries of state `name` kept deserialized in memory (for metrics and tests). */
  cachedEntries(name: string): number {
    return (this.tables.get(name)?.table as DiskTable | undefined)?.cachedEntries ?? 0;
  }

  /** Estimated heap bytes of this subtask's caches (entries kept deserialized and key filters). */
  cacheBytes(): number {
    let n = 0;
    for (const e of this.tables.values()) n += (e.table as DiskTable).cachedBytes;
    return Math.round(n);
  }

  /**
   * From the store's own statistics: entries written back to it (not those still only in the
   * cache) and its pages in use; and the estimated heap bytes of the caches in front of it.
   */
  override stateSize(): { entries: number; bytes?: number; cacheBytes?: number } {
    // A closed store (the subtask ended) keeps the size it had last.
    if (this.closed) return this.lastSize;
    const s = this.db.getStats() as {
      entryCount?: number;
      pageSize?: number;
      treeBranchPageCount?: number;
      treeLeafPageCount?: number;
      overflowPages?: number;
    };
    const pages = (s.treeBranchPageCount ?? 0) + (s.treeLeafPageCount ?? 0) + (s.overflowPages ?? 0);
    this.lastSize = { entries: s.entryCount ?? 0, bytes: pages * (s.pageSize ?? 0), cacheBytes: this.cacheBytes() };
    return this.lastSize;
  }

  override snapshot(): KeyedStateSnapshot {
    return { ...super.snapshot(), ...LMDB_FORMAT };
  }

  /**
   * The checkpoint form: the pause at the barrier writes back every state's changed entries and
   * opens a read transaction; the snapshot is then read from that transaction (LMDB's snapshot
   * isolation) in short slices while records keep changing the store. With incremental
   * checkpoints (and not for a savepoint) it is one shared file: the entries written since the
   * last confirmed checkpoint, whose files it references, or a new full base (see {@link IncrementLog}).
   */
  override async snapshotAsync(request?: SnapshotRequest): Promise<ChunkedKeyedSnapshot | IncrementalKeyedSnapshot> {
    const states: Record<string, { type: StateDescriptor['type']; ttl: boolean }> = {};
    const prune = new Map<string, (raw: unknown, now: number) => unknown>();
    for (const [name, e] of this.tables) {
      (e.table as DiskTable).flush();
      states[name] = e.restored ?? { type: e.desc.type, ttl: !!e.desc.ttl };
      if (e.handle && e.desc.ttl) prune.set(name, ttlPruner(e.desc.type, e.desc.ttl.ttl));
    }
    const incremental = this.options.incremental === true && request !== undefined && !request.savepoint;
    let plan: IncrementPlan | undefined;
    if (incremental) {
      const changes = new Map<string, Changes>();
      for (const [name, e] of this.tables) changes.set(name, (e.table as DiskTable).takeChanges());
      plan = this.increments.begin(request.checkpointId, changes);
    }
    const now = this.clock.now();
    const txn = this.db.useReadTransaction();
    const chunks: Record<string, Uint8Array[]> = {};
    const deleted: Record<string, unknown[]> = {};
    try {
      // The barrier pause ends here: the store is read from the next turn on.
      await nextTurn();
      if (plan && !plan.base) await this.readChanged(txn, plan.keys, prune, now, chunks, deleted);
      else await this.readAll(txn, prune, now, chunks);
    } finally {
      txn.done();
    }
    if (!plan) {
      for (const name of Object.keys(states)) chunks[name] ??= [];
      return { chunks, states, ...LMDB_FORMAT };
    }
    const file = encodeStateFile({ states, chunks, deleted });
    this.increments.written(request!.checkpointId, file.name, file.bytes.length);
    return { states, shared: [...plan.refs.map((name) => ({ name })), file], ...LMDB_FORMAT };
  }

  /** Checkpoint `checkpointId` completed: the next incremental checkpoint builds on its files. */
  notifyCheckpointComplete(checkpointId: number): void {
    this.increments.complete(checkpointId);
  }

  /** Every entry of the store as of `txn`, in chunks per state. */
  private async readAll(
    txn: Transaction,
    prune: Map<string, (raw: unknown, now: number) => unknown>,
    now: number,
    chunks: Record<string, Uint8Array[]>,
  ): Promise<void> {
    const open = new Map<string, { k: unknown[]; v: unknown[] }>();
    let sliceStart = performance.now();
    for (const { key, value } of this.db.getRange({ transaction: txn })) {
      const { stateName, key: k } = decodeDiskKey(key);
      const p = prune.get(stateName);
      const v = p ? p(unpackValue(value), now) : unpackValue(value);
      if (v === undefined) continue;
      let c = open.get(stateName);
      if (!c) open.set(stateName, (c = { k: [], v: [] }));
      c.k.push(k);
      c.v.push(v);
      if (c.k.length === CHUNK) {
        (chunks[stateName] ??= []).push(serialize(c));
        open.delete(stateName);
        if (performance.now() - sliceStart >= SLICE_MS) {
          await nextTurn();
          sliceStart = performance.now();
        }
      }
    }
    for (const [name, c] of open) (chunks[name] ??= []).push(serialize(c));
  }

  /** The entries of `keys` as of `txn`; keys without a value (or expired) are listed as deleted. */
  private async readChanged(
    txn: Transaction,
    keys: Map<string, Set<unknown>>,
    prune: Map<string, (raw: unknown, now: number) => unknown>,
    now: number,
    chunks: Record<string, Uint8Array[]>,
    deleted: Record<string, unknown[]>,
  ): Promise<void> {
    let sliceStart = performance.now();
    for (const [name, set] of keys) {
      const layout = (this.tables.get(name)!.table as DiskTable).layout;
      const p = prune.get(name);
      const out: Uint8Array[] = (chunks[name] = []);
      const gone: unknown[] = (deleted[name] = []);
      let c: { k: unknown[]; v: unknown[] } = { k: [], v: [] };
      for (const k of set) {
        const bytes = this.db.get(layout.encode(k), { transaction: txn });
        const v = bytes === undefined ? undefined : p ? p(unpackValue(bytes), now) : unpackValue(bytes);
        if (v === undefined) {
          gone.push(k);
          continue;
        }
        c.k.push(k);
        c.v.push(v);
        if (c.k.length === CHUNK) {
          out.push(serialize(c));
          c = { k: [], v: [] };
          if (performance.now() - sliceStart >= SLICE_MS) {
            await nextTurn();
            sliceStart = performance.now();
          }
        }
      }
      if (c.k.length > 0) out.push(serialize(c));
    }
  }

  override restore(snapshots: KeyedStateBackendSnapshot[], owns: (keyGroup: number) => boolean): void {
    const canonical = snapshots.map((s) => readCanonicalSnapshot(s, LMDB_BACKEND) as KeyedStateSnapshot | ChunkedKeyedSnapshot | IncrementalKeyedSnapshot);
    restoreTables(
      this.tables,
      canonical,
      owns,
      () => new TtlAccess(undefined, this.clock),
      this.maxParallelism,
      (name) => this.newTable(name),
    );
    for (const e of this.tables.values()) {
      const t = e.table as DiskTable;
      t.flush();
      t.takeChanges();
    }
    this.increments.reset();
  }

  /** Closes the store, which gives its disk space back. */
  dispose(): void {
    if (this.closed) return;
    this.stateSize();
    this.closed = true;
    for (const e of this.tables.values()) (e.table as DiskTable).close();
    void this.root.close();
  }
}
