import { ConfigError } from '../../../core/errors.js';
import type { StateBackendFactory } from '../../../core/state-backend.js';
import { LMDB_BACKEND } from '../canonical-format.js';
import { canonicalHasEntries } from '../canonical-entries.js';
import { LmdbKeyedStateBackend, type LmdbBackendOptions } from './lmdb-keyed-state-backend.js';

/** Default of `state.backend.lmdb.memory.cache-entries`. */
export const DEFAULT_CACHE_ENTRIES = 100_000;

/** Reads `state.backend.lmdb.*` settings (`local-dir`, `memory.cache-entries`) and `execution.checkpointing.incremental`. */
export function lmdbOptions(config: Readonly<Record<string, unknown>>): LmdbBackendOptions {
  const dir = config['state.backend.lmdb.local-dir'];
  const raw = config['state.backend.lmdb.memory.cache-entries'] ?? DEFAULT_CACHE_ENTRIES;
  const cacheEntries = Number(raw);
  if (!Number.isInteger(cacheEntries) || cacheEntries < 1)
    throw new ConfigError(`state.backend.lmdb.memory.cache-entries: ${String(raw)} is not a positive integer`);
  const inc = config['execution.checkpointing.incremental'];
  if (inc !== undefined && inc !== true && inc !== false && inc !== 'true' && inc !== 'false')
    throw new ConfigError(`execution.checkpointing.incremental: ${String(inc)} is not true or false`);
  return { localDir: dir === undefined ? undefined : String(dir), cacheEntries, incremental: inc === true || inc === 'true' };
}

/**
 * The disk backend (`state.backend.type: 'lmdb'`): keyed state in an embedded LMDB store on local
 * disk, one per keyed subtask, behind a bounded cache of hot entries.
 *
 * @example
 * const env = StreamEnvironment.create({ 'state.backend.type': 'lmdb', 'state.backend.lmdb.memory.cache-entries': 50_000 });
 */
export function lmdbStateBackend(options: LmdbBackendOptions = lmdbOptions({})): StateBackendFactory {
  return {
    name: LMDB_BACKEND,
    createKeyedStateBackend: (ctx) => new LmdbKeyedStateBackend(ctx.clock, ctx.maxParallelism, options),
    hasEntries: canonicalHasEntries,
    configure: (config) => lmdbStateBackend(lmdbOptions(config)),
  };
}
