import type { SubtaskSnapshot } from '../../src/runtime/subtask-snapshot.js';
import type { HeapKeyedSnapshot } from '../../src/runtime/state/heap-keyed-state-backend.js';
import { chunkEntries } from '../../src/runtime/state/chunked-keyed-snapshot.js';

/** Every `[key, value]` of keyed state `name` in a restored subtask snapshot, whatever its format. */
export function keyedEntries(s: SubtaskSnapshot, name: string): [unknown, unknown][] {
  const keyed = s.keyed as HeapKeyedSnapshot | undefined;
  if (!keyed) return [];
  if ('chunks' in keyed) return [...chunkEntries(keyed, name)];
  return Object.values(keyed.groups).flatMap((g) => g[name] ?? []);
}
