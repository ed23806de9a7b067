import { ConfigError } from '../../core/errors.js';
import type { KeyedStateBackendSnapshot, StateBackendFactory } from '../../core/state-backend.js';
import { chunkedHasEntries } from './chunked-keyed-snapshot.js';
import { HEAP_BACKEND, HeapKeyedStateBackend, readHeapSnapshot } from './heap-keyed-state-backend.js';

/** The heap backend (`state.backend.type: 'hashmap'`, the default): all keyed state on the JavaScript heap. */
export const heapStateBackend: StateBackendFactory = {
  name: HEAP_BACKEND,
  createKeyedStateBackend: (ctx) => new HeapKeyedStateBackend(ctx.clock, ctx.maxParallelism),
  hasEntries(snapshot) {
    const s = readHeapSnapshot(snapshot);
    return 'chunks' in s ? chunkedHasEntries(s) : Object.keys(s.groups).length > 0;
  },
};

/** The one registration list of state backends, by `state.backend.type`. */
const backends = new Map<string, StateBackendFactory>([[heapStateBackend.name, heapStateBackend]]);

/**
 * Makes a state backend selectable with `state.backend.type`. Register it at the top level of the
 * job module, so that every slot worker (which imports the job module again) knows it too.
 *
 * @example
 * registerStateBackend(myBackend);
 * const env = StreamEnvironment.create({ 'state.backend.type': myBackend.name });
 */
export function registerStateBackend(factory: StateBackendFactory): void {
  const known = backends.get(factory.name);
  if (known && known !== factory) throw new ConfigError(`A state backend named '${factory.name}' is already registered`);
  backends.set(factory.name, factory);
}

/** The names `state.backend.type` accepts. */
export function stateBackendNames(): string[] {
  return [...backends.keys()];
}

/** The backend `state.backend.type` names (default: the heap backend); a clear error for an unknown name. */
export function stateBackendFor(name: string | undefined): StateBackendFactory {
  const factory = backends.get(name ?? HEAP_BACKEND);
  if (!factory) {
    throw new ConfigError(`state.backend.type: '${name}' is not a state backend of this Weir (known: ${stateBackendNames().join(', ')})`);
  }
  return factory;
}

/** Whether a keyed state snapshot holds any entry, asked of the backend that wrote it. */
export function keyedSnapshotHasEntries(snapshot: KeyedStateBackendSnapshot): boolean {
  // State of a backend this process does not know counts as state: the restore then names it.
  const factory = backends.get(snapshot.backend ?? HEAP_BACKEND);
  return factory ? factory.hasEntries(snapshot) : true;
}
