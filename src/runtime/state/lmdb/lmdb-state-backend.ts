import { ConfigError } from '../../../core/errors.js';
import type { StateBackendFactory } from '../../../core/state-backend.js';
import { LMDB_BACKEND } from '../canonical-format.js';
import { canonicalHasEntries } from '../canonical-entries.js';
import { CacheBudget } from './cache-budget.js';
import { DEFAULT_MANAGED_FRACTION, defaultManagedBytes, LmdbKeyedStateBackend, type LmdbBackendOptions } from './lmdb-keyed-state-backend.js';
import { parseMemorySize } from './memory-size.js';

/**
 * Reads `state.backend.lmdb.*` settings (`local-dir`, `memory.managed-size`,
 * `memory.managed-fraction`, `memory.cache-entries`) and `execution.checkpointing.incremental`.
 */
export function lmdbOptions(config: Readonly<Record<string, unknown>>): LmdbBackendOptions {
  const dir = config['state.backend.lmdb.local-dir'];
  const raw = config['state.backend.lmdb.memory.cache-entries'];
  const cacheEntries = raw === undefined ? undefined : Number(raw);
  if (cacheEntries !== undefined && (!Number.isInteger(cacheEntries) || cacheEntries < 1))
    throw new ConfigError(`state.backend.lmdb.memory.cache-entries: ${String(raw)} is not a positive integer`);
  const size = config['state.backend.lmdb.memory.managed-size'];
  const rawFraction = config['state.backend.lmdb.memory.managed-fraction'];
  const fraction = rawFraction === undefined ? DEFAULT_MANAGED_FRACTION : Number(rawFraction);
  if (!(fraction > 0 && fraction <= 1))
    throw new ConfigError(`state.backend.lmdb.memory.managed-fraction: ${String(rawFraction)} is not a number above 0 and at most 1`);
  const managedBytes = size !== undefined ? parseMemorySize(size, 'state.backend.lmdb.memory.managed-size') : defaultManagedBytes(fraction);
  const inc = config['execution.checkpointing.incremental'];
  if (inc !== undefined && inc !== true && inc !== false && inc !== 'true' && inc !== 'false')
    throw new ConfigError(`execution.checkpointing.incremental: ${String(inc)} is not true or false`);
  return { localDir: dir === undefined ? undefined : String(dir), managedBytes, cacheEntries, incremental: inc === true || inc === 'true' };
}

/**
 * The disk backend (`state.backend.type: 'lmdb'`): keyed state in an embedded LMDB store on local
 * disk, one per keyed subtask, behind caches of hot entries that share one budget of managed
 * memory (per factory, so per isolate: each worker-thread slot configures its own).
 *
 * @example
 * const env = StreamEnvironment.create({ 'state.backend.type': 'lmdb', 'state.backend.lmdb.memory.managed-size': '256mb' });
 */
export function lmdbStateBackend(options: LmdbBackendOptions = lmdbOptions({})): StateBackendFactory {
  let budget: CacheBudget | undefined;
  return {
    name: LMDB_BACKEND,
    createKeyedStateBackend: (ctx) =>
      new LmdbKeyedStateBackend(ctx.clock, ctx.maxParallelism, options, (budget ??= new CacheBudget(options.managedBytes ?? defaultManagedBytes()))),
    hasEntries: canonicalHasEntries,
    configure: (config) => lmdbStateBackend(lmdbOptions(config)),
  };
}
