import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { hashKey } from '../../core/key-group.js';
import type { StateDescriptor } from '../../core/state.js';
import type { KeyedStateBackendSnapshot, SharedStateFile } from '../../core/state-backend.js';
import { restoreChunks, type ChunkedKeyedSnapshot } from './chunked-keyed-snapshot.js';

type StateMeta = { readonly type: StateDescriptor['type']; readonly ttl: boolean };

/**
 * One file of an incremental checkpoint: a full base (every entry) or an increment (the entries
 * written and the keys deleted since the checkpoint it builds on), each state's entries in the
 * chunks of the canonical format. A restore applies a snapshot's files oldest first.
 */
export interface StateFileContent {
  readonly states: Record<string, StateMeta>;
  readonly chunks: Record<string, Uint8Array[]>;
  /** Normalized keys deleted (or expired) since the file this one builds on, per state. */
  readonly deleted: Record<string, unknown[]>;
}

/** A keyed snapshot made of shared files (see `KeyedStateBackendSnapshot.shared`). */
export interface IncrementalKeyedSnapshot extends KeyedStateBackendSnapshot {
  readonly shared: readonly SharedStateFile[];
  readonly states: Record<string, StateMeta>;
}

/**
 * Serializes a state file and names it by the SHA-256 of its bytes, so the name is also its checksum.
 *
 * @example
 * const file = encodeStateFile({ states, chunks, deleted: {} }); // { name: '3f2a…', bytes }
 */
export function encodeStateFile(content: StateFileContent): { name: string; bytes: Uint8Array } {
  const bytes = serialize(content);
  return { name: createHash('sha256').update(bytes).digest('hex'), bytes };
}

export function isIncremental(s: KeyedStateBackendSnapshot): s is IncrementalKeyedSnapshot {
  return Array.isArray(s.shared);
}

/**
 * Applies the files of an incremental snapshot, oldest first, to the tables: entries are set and
 * deleted keys deleted, for the key groups `owns` accepts (any parallelism wrote them).
 */
export function restoreSharedFiles(
  s: IncrementalKeyedSnapshot,
  tableFor: (name: string, meta: StateMeta | undefined) => { table: Map<unknown, unknown> },
  owns: (keyGroup: number) => boolean,
  maxParallelism: number,
): void {
  for (const name of Object.keys(s.states)) tableFor(name, s.states[name]);
  for (const f of s.shared) {
    if (!f.bytes) throw new Error(`shared state file ${f.name} was not loaded`);
    const content = deserialize(f.bytes) as StateFileContent;
    const asChunks: ChunkedKeyedSnapshot = { chunks: content.chunks, states: content.states };
    for (const name of Object.keys(content.chunks)) {
      restoreChunks(asChunks, name, tableFor(name, s.states[name] ?? content.states[name]).table, owns, maxParallelism);
    }
    for (const [name, keys] of Object.entries(content.deleted)) {
      const { table } = tableFor(name, s.states[name] ?? content.states[name]);
      for (const k of keys) if (owns(hashKey(k) % maxParallelism)) table.delete(k);
    }
  }
}
