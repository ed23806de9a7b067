import { ConfigError } from '../../core/errors.js';
import type { KeyedStateBackendSnapshot, StateBackendFactory } from '../../core/state-backend.js';
import { canonicalHasEntries } from './canonical-entries.js';
import { HEAP_BACKEND, HeapKeyedStateBackend } from './heap-keyed-state-backend.js';
import { lmdbStateBackend } from './lmdb/lmdb-state-backend.js';

/** The heap backend (`state.backend.type: 'hashmap'`, the default): all keyed state on the JavaScript heap. */
export const heapStateBackend: StateBackendFactory = {
  name: HEAP_BACKEND,
  createKeyedStateBackend: (ctx) => new HeapKeyedStateBackend(ctx.clock, ctx.maxParallelism),
  hasEntries: canonicalHasEntries,
};

/**
 * The disk backend (`state.backend.type: 'lmdb'`) with default settings; jobs configure it with
 * `state.backend.lmdb.*`.
 *
 * @example
 * const env = StreamEnvironment.create({ 'state.backend.type': diskStateBackend.name, 'state.backend.lmdb.local-dir': '/var/tmp/weir' });
 */
export const diskStateBackend: StateBackendFactory = lmdbStateBackend();

/** The one registration list of state backends, by `state.backend.type`. */
const backends = new Map<string, StateBackendFactory>([
  [heapStateBackend.name, heapStateBackend],
  [diskStateBackend.name, diskStateBackend],
]);

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

/**
 * The backend `state.backend.type` names (default: the heap backend), with the job's
 * `state.backend.<name>.*` settings from `config` applied; a clear error for an unknown name.
 *
 * @example
 * const factory = stateBackendFor('lmdb', { 'state.backend.lmdb.memory.cache-entries': 10_000 });
 */
export function stateBackendFor(name: string | undefined, config: Readonly<Record<string, unknown>> = {}): StateBackendFactory {
  const factory = backends.get(name ?? HEAP_BACKEND);
  if (!factory) {
    throw new ConfigError(`state.backend.type: '${name}' is not a state backend of this Weir (known: ${stateBackendNames().join(', ')})`);
  }
  return factory.configure && Object.keys(config).length > 0 ? factory.configure(config) : factory;
}

/** Whether a keyed state snapshot holds any entry, asked of the backend that wrote it. */
export function keyedSnapshotHasEntries(snapshot: KeyedStateBackendSnapshot): boolean {
  // State of a backend this process does not know counts as state: the restore then names it.
  const factory = backends.get(snapshot.backend ?? HEAP_BACKEND);
  return factory ? factory.hasEntries(snapshot) : true;
}
