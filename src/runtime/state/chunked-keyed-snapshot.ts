import { deserialize, serialize } from 'node:v8';
import { hashKey } from '../../core/key-group.js';
import type { StateDescriptor } from '../../core/state.js';
import type { KeyedStateBackendSnapshot } from '../../core/state-backend.js';
import { CowMap } from './cow-map.js';
import type { StateTable } from './keyed-state-snapshot.js';
import { ttlPruner } from './ttl-cleanup.js';

/** Entries per serialized chunk. */
const CHUNK = 16_384;
/** The snapshot writer gives the event loop back after this much work, so processing goes on. */
const SLICE_MS = 4;

/**
 * Keyed state as a checkpoint stores it: per state, chunks of `{ k: keys[], v: values[] }` in the
 * V8 serialization format. Key groups are not materialized: a restore hashes each key to decide
 * whether its subtask owns it, which costs less than grouping at snapshot time.
 */
export interface ChunkedKeyedSnapshot extends KeyedStateBackendSnapshot {
  readonly chunks: Record<string, Uint8Array[]>;
  readonly states: Record<string, { readonly type: StateDescriptor['type']; readonly ttl: boolean }>;
}

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Snapshots tables asynchronously: freezing them is the only synchronous step (at the barrier);
 * the frozen entries are then written in slices of a few milliseconds while records keep being
 * processed against the tables' overlays, and the tables thaw when the writing is done. Expired TTL
 * values, list elements and map entries are left out.
 */
export async function snapshotTablesAsync(tables: Map<string, StateTable>, now: number): Promise<ChunkedKeyedSnapshot> {
  const frozen: {
    name: string;
    table: CowMap<unknown, unknown>;
    entries: IterableIterator<[unknown, unknown]>;
    prune?: (raw: unknown, now: number) => unknown;
  }[] = [];
  const states: Record<string, { type: StateDescriptor['type']; ttl: boolean }> = {};
  for (const [name, e] of tables) {
    const table = e.table as CowMap<unknown, unknown>;
    states[name] = e.restored ?? { type: e.desc.type, ttl: !!e.desc.ttl };
    const prune = e.handle && e.desc.ttl ? ttlPruner(e.desc.type, e.desc.ttl.ttl) : undefined;
    frozen.push({ name, table, entries: table.freeze(), ...(prune ? { prune } : {}) });
  }
  const chunks: Record<string, Uint8Array[]> = {};
  try {
    let sliceStart = performance.now();
    for (const f of frozen) {
      const out: Uint8Array[] = (chunks[f.name] = []);
      let k: unknown[] = [];
      let v: unknown[] = [];
      for (const [key, raw] of f.entries) {
        const value = f.prune ? f.prune(raw, now) : raw;
        if (value === undefined) continue;
        k.push(key);
        v.push(value);
        if (k.length === CHUNK) {
          out.push(serialize({ k, v }));
          k = [];
          v = [];
          if (performance.now() - sliceStart >= SLICE_MS) {
            await nextTurn();
            sliceStart = performance.now();
          }
        }
      }
      if (k.length > 0) out.push(serialize({ k, v }));
    }
  } finally {
    for (const f of frozen) f.table.thaw();
  }
  return { chunks, states };
}

/** Whether a chunked snapshot holds any entry. */
export function chunkedHasEntries(s: ChunkedKeyedSnapshot): boolean {
  return Object.values(s.chunks).some((c) => c.length > 0);
}

/** Every `[key, value]` of one state of a chunked snapshot (for restores and inspection). */
export function* chunkEntries(s: ChunkedKeyedSnapshot, name: string): Generator<[unknown, unknown]> {
  for (const c of s.chunks[name] ?? []) {
    const { k, v } = deserialize(c) as { k: unknown[]; v: unknown[] };
    for (let i = 0; i < k.length; i++) yield [k[i], v[i]];
  }
}

/** Loads the entries whose key group `owns` accepts into `table` (any parallelism wrote them). */
export function restoreChunks(
  s: ChunkedKeyedSnapshot,
  name: string,
  table: Map<unknown, unknown>,
  owns: (keyGroup: number) => boolean,
  maxParallelism: number,
): void {
  for (const c of s.chunks[name] ?? []) {
    const { k, v } = deserialize(c) as { k: unknown[]; v: unknown[] };
    for (let i = 0; i < k.length; i++) if (owns(hashKey(k[i]) % maxParallelism)) table.set(k[i], v[i]);
  }
}
