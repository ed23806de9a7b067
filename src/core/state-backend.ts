import type { Clock } from './clock.js';
import type { KeyedStateStore } from './state.js';

/**
 * What a keyed state backend's snapshot must carry besides its own data: which backend wrote it and
 * in which version of that backend's format, so a restore refuses state it cannot read instead of
 * misreading it. Snapshots written before backends were pluggable carry neither and are the heap
 * backend's (`hashmap`) version 1.
 */
export interface KeyedStateBackendSnapshot {
  readonly backend?: string;
  readonly version?: number;
  /**
   * Files of an incremental checkpoint, oldest first, kept in the checkpoint directory's `shared/`
   * folder and referenced by every checkpoint that needs them: the files this snapshot wrote carry
   * their `bytes`, files of earlier checkpoints only their name. On restore each carries its bytes.
   */
  readonly shared?: readonly SharedStateFile[];
}

/** One shared file of an incremental checkpoint: named by the SHA-256 of its content (hex). */
export interface SharedStateFile {
  readonly name: string;
  readonly bytes?: Uint8Array;
}

/** Which checkpoint a snapshot is for: a savepoint is always full and self-contained. */
export interface SnapshotRequest {
  readonly checkpointId: number;
  readonly savepoint: boolean;
}

/**
 * Keyed state of one operator subtask, scoped to a current key, as Flink's `KeyedStateBackend`.
 *
 * Contract: every method is called from the subtask's own thread, never concurrently, and never
 * while a record of another key is half processed. The runtime sets the key (or the key id that
 * timers store) before it calls user code for a record or a timer. `snapshot`/`snapshotAsync` run
 * at a checkpoint barrier: only the part before the first `await` may stop processing, and records
 * processed while the returned promise is pending must not change what it resolves to. `restore`
 * runs once, before any state is registered, with the snapshots of every old subtask whose key
 * groups overlap this subtask's range; it keeps the entries whose key group `owns` accepts.
 *
 * @example
 * const backend = stateBackendFor('hashmap').createKeyedStateBackend({ clock, maxParallelism: 128 });
 * backend.setCurrentKey('ann');
 * const count = backend.getState(valueState<number>('count', { defaultValue: 0 }));
 * count.update(count.value()! + 1);
 */
export interface KeyedStateBackend extends KeyedStateStore {
  /** The current key in its normalized form (what timers store and hand back). */
  readonly currentKeyId: unknown;
  setCurrentKey(key: unknown): void;
  setCurrentKeyId(id: unknown): void;
  getCurrentKey(): unknown;
  /** Keys with a value in state `name`, for operators that rebuild an index after a restore. */
  keys(name: string): unknown[];
  /** A synchronous copy of all state (savepoints of finished subtasks, tests). */
  snapshot(): KeyedStateBackendSnapshot;
  /**
   * The checkpoint form: a short synchronous step, then the rest off the record path. A backend
   * with incremental checkpoints returns only what changed since its last confirmed checkpoint,
   * with references to that checkpoint's `shared` files; for savepoints it returns everything.
   */
  snapshotAsync(request?: SnapshotRequest): Promise<KeyedStateBackendSnapshot>;
  /** Checkpoint `checkpointId` is complete: its shared files are the base of the next increment. */
  notifyCheckpointComplete?(checkpointId: number): void;
  restore(snapshots: KeyedStateBackendSnapshot[], owns: (keyGroup: number) => boolean): void;
  /**
   * How much state the backend holds, for metrics: entries (a key's value, list or map in one
   * state counts once), and bytes where it knows them without walking the state. Read when metrics
   * are reported, never per record. `cacheBytes`: the heap a disk backend's caches hold, by its estimate.
   */
  stateSize?(): { entries: number; bytes?: number; cacheBytes?: number };
  /** Where the subtask's timers of a time domain go past a bound, for a backend that keeps them out of the heap. */
  timerStore?(domain: 'event' | 'processing'): TimerStore;
  /** Releases what the backend holds outside the heap (files, a store); called when the subtask closes. */
  dispose?(): void;
}

/** A timer as a {@link TimerStore} keeps it: fires for `keyId` in `namespace` at `timestamp`; `seq` orders equal timestamps. */
export interface StoredTimer {
  readonly timestamp: number;
  readonly keyId: unknown;
  readonly namespace: string | number;
  readonly seq: number;
}

/**
 * Timers of one time domain kept outside the heap, ordered by (timestamp, seq). The timer service
 * keeps the earliest timers in memory and moves the latest here past `memoryBound`, and takes them
 * back in order as they come due. Synchronous, called from the subtask's thread only.
 */
export interface TimerStore {
  /** Timers the service keeps in memory before it moves the latest here. */
  readonly memoryBound: number;
  readonly size: number;
  /** Stores timers (none of them stored yet), in one write. */
  putAll(timers: readonly StoredTimer[]): void;
  /** The `seq` of the stored timer (key, namespace, timestamp), if there is one. */
  seqOf(keyId: unknown, namespace: string | number, timestamp: number): number | undefined;
  /** Removes a stored timer; whether there was one. */
  remove(keyId: unknown, namespace: string | number, timestamp: number): boolean;
  /** The earliest stored timer. */
  first(): StoredTimer | undefined;
  /** Removes and returns, in order, up to `max` of the earliest timers due at `limit`. */
  takeDue(limit: number, max: number): StoredTimer[];
  /** The latest stored timestamp, or -Infinity. */
  maxTimestamp(): number;
  /** Every stored timer (snapshots). */
  all(): StoredTimer[];
}

/** What a backend is created with: one backend per keyed operator subtask. */
export interface KeyedStateBackendContext {
  readonly clock: Clock;
  readonly maxParallelism: number;
  /** For error messages. */
  readonly operatorName?: string;
}

/**
 * A kind of state backend, chosen with Flink's key `state.backend.type`.
 *
 * @example
 * registerStateBackend({
 *   name: 'my-store',
 *   createKeyedStateBackend: (ctx) => new MyKeyedStateBackend(ctx.clock, ctx.maxParallelism),
 *   hasEntries: (snapshot) => (snapshot as MySnapshot).count > 0,
 * });
 */
export interface StateBackendFactory {
  /** The value of `state.backend.type` that selects it. */
  readonly name: string;
  createKeyedStateBackend(ctx: KeyedStateBackendContext): KeyedStateBackend;
  /** Whether a snapshot this backend wrote holds any entry (a restore ignores empty state of removed operators). */
  hasEntries(snapshot: KeyedStateBackendSnapshot): boolean;
  /**
   * The factory with the job's `state.backend.<name>.*` settings applied (keys in full), when the
   * backend has settings.
   */
  configure?(config: Readonly<Record<string, unknown>>): StateBackendFactory;
}
