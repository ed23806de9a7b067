import { ConfigError } from '../../core/errors.js';
import type { KeyedStateBackendSnapshot } from '../../core/state-backend.js';

/** `state.backend.type` of the heap backend (Flink's name for its heap backend). */
export const HEAP_BACKEND = 'hashmap';
/** `state.backend.type` of the disk backend (an embedded LMDB store per keyed subtask). */
export const LMDB_BACKEND = 'lmdb';
/** Version of the canonical snapshot format; bumped when its layout changes incompatibly. */
export const CANONICAL_FORMAT_VERSION = 1;

/**
 * Backends whose snapshots are in the canonical format (`KeyedStateSnapshot` or
 * `ChunkedKeyedSnapshot`: normalized keys and stored values per state), which each of them
 * restores: a savepoint taken with one restores into the other.
 */
const CANONICAL_WRITERS: readonly string[] = [HEAP_BACKEND, LMDB_BACKEND];

/**
 * Checks that a snapshot is in the canonical format, in a version this Weir reads; `reader` names
 * the backend restoring it in the error.
 *
 * @example
 * const s = readCanonicalSnapshot(snapshot, 'lmdb');
 */
export function readCanonicalSnapshot(s: KeyedStateBackendSnapshot, reader: string): KeyedStateBackendSnapshot {
  const backend = s.backend ?? HEAP_BACKEND;
  if (!CANONICAL_WRITERS.includes(backend)) {
    throw new ConfigError(
      `Keyed state in this checkpoint was written by the '${backend}' state backend and cannot be read by '${reader}': restore it with 'state.backend.type': '${backend}'`,
    );
  }
  if ((s.version ?? 1) > CANONICAL_FORMAT_VERSION) {
    throw new ConfigError(
      `Keyed state in this checkpoint has '${backend}' format version ${s.version}, newer than this Weir reads (${CANONICAL_FORMAT_VERSION})`,
    );
  }
  return s;
}
