import { hashKey } from '../../core/key-group.js';
import type { StateDescriptor } from '../../core/state.js';
import type { KeyedStateBackendSnapshot } from '../../core/state-backend.js';
import { CowMap } from './cow-map.js';
import { restoreChunks, type ChunkedKeyedSnapshot } from './chunked-keyed-snapshot.js';
import { ttlPruner } from './ttl-cleanup.js';
import { isIncremental, restoreSharedFiles, type IncrementalKeyedSnapshot } from './shared-state-file.js';
import type { TtlAccess } from './ttl.js';

/** Inverse of `normalizeKey`, so a key can be recovered from state and timers alone. */
export function denormalizeKey(id: unknown): unknown {
  return typeof id === 'string' && id.charCodeAt(0) === 0 ? JSON.parse(id.slice(1)) : id;
}

/**
 * Keyed state of one operator subtask, grouped by key group so that any parallelism can restore it.
 * Stored values are the backend's own format (TTL stamps included); `states` says which format.
 */
export interface KeyedStateSnapshot extends KeyedStateBackendSnapshot {
  /** keyGroup -> stateName -> [normalizedKey, storedValue][] */
  readonly groups: Record<number, Record<string, [unknown, unknown][]>>;
  /** Type of each state and whether its values carry TTL stamps (absent in snapshots of older versions). */
  readonly states?: Record<string, { readonly type: StateDescriptor['type']; readonly ttl: boolean }>;
}

/** One state of a heap backend: its table `normalizedKey -> stored value`, and how to read it. */
export interface StateTable {
  desc: StateDescriptor;
  readonly table: Map<unknown, unknown>;
  ttl: TtlAccess<unknown>;
  /** The state object handed to user code; undefined while restored but not yet registered. */
  handle: unknown;
  /** Type and stamp format of values restored before the state was registered in this run. */
  restored?: { type: StateDescriptor['type']; ttl: boolean } | undefined;
}

/**
 * Groups every table's entries by key group. Expired TTL state is removed from the tables first;
 * values are shared, not cloned.
 *
 * @example
 * const snap = snapshotTables(tables, 128, clock.now()); // serialize before processing resumes
 */
export function snapshotTables(tables: Map<string, StateTable>, maxParallelism: number, now: number): KeyedStateSnapshot {
  const groups: Record<number, Record<string, [unknown, unknown][]>> = {};
  const states: Record<string, { type: StateDescriptor['type']; ttl: boolean }> = {};
  for (const [name, e] of tables) {
    const { table, desc } = e;
    const prune = e.handle && desc.ttl ? ttlPruner(desc.type, desc.ttl.ttl) : undefined;
    states[name] = e.restored ?? { type: desc.type, ttl: !!desc.ttl };
    for (const [k, raw] of table) {
      let v = raw;
      if (prune) {
        v = prune(raw, now);
        if (v === undefined) {
          table.delete(k);
          continue;
        }
        if (v !== raw) table.set(k, v);
      }
      const g = hashKey(k) % maxParallelism;
      ((groups[g] ??= {})[name] ??= []).push([k, v]);
    }
  }
  return { groups, states };
}

/**
 * Loads the key groups `owns` accepts from snapshots of any parallelism into `tables`, as states
 * that are restored but not yet registered: the backend converts and binds them when user code
 * asks for them by name.
 */
export function restoreTables(
  tables: Map<string, StateTable>,
  snapshots: (KeyedStateSnapshot | ChunkedKeyedSnapshot | IncrementalKeyedSnapshot)[],
  owns: (keyGroup: number) => boolean,
  noTtl: () => TtlAccess<unknown>,
  maxParallelism: number,
  newTable: (name: string) => Map<unknown, unknown> = () => new CowMap(),
): void {
  const tableFor = (name: string, meta: { type: StateDescriptor['type']; ttl: boolean } | undefined): StateTable => {
    let e = tables.get(name);
    if (!e) {
      const desc = { type: meta?.type ?? 'value', name } as StateDescriptor;
      e = { desc, table: newTable(name), ttl: noTtl(), handle: undefined, restored: meta && { ...meta } };
      tables.set(name, e);
    }
    return e;
  };
  for (const s of snapshots) {
    if (isIncremental(s)) {
      restoreSharedFiles(s, tableFor, owns, maxParallelism);
      continue;
    }
    if ('chunks' in s) {
      for (const name of Object.keys(s.chunks)) restoreChunks(s, name, tableFor(name, s.states[name]).table, owns, maxParallelism);
      continue;
    }
    for (const [g, states] of Object.entries(s.groups)) {
      if (!owns(Number(g))) continue;
      for (const [name, entries] of Object.entries(states)) {
        const e = tableFor(name, s.states?.[name]);
        for (const [k, v] of entries) e.table.set(k, v);
      }
    }
  }
}
