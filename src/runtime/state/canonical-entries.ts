import type { KeyedStateBackendSnapshot } from '../../core/state-backend.js';
import { chunkedHasEntries, type ChunkedKeyedSnapshot } from './chunked-keyed-snapshot.js';
import type { KeyedStateSnapshot } from './keyed-state-snapshot.js';

/** Whether a snapshot in the canonical format (by key group, or chunked) holds any entry. */
export function canonicalHasEntries(snapshot: KeyedStateBackendSnapshot): boolean {
  // An incremental snapshot's files are counted as entries unread (they may all be deletions).
  if (snapshot.shared) return snapshot.shared.length > 0;
  const s = snapshot as KeyedStateSnapshot | ChunkedKeyedSnapshot;
  return 'chunks' in s ? chunkedHasEntries(s) : Object.keys(s.groups ?? {}).length > 0;
}
