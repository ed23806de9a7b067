import type { Clock } from '../../src/core/clock.js';
import { HeapKeyedStateBackend } from '../../src/runtime/state/heap-keyed-state-backend.js';
import { LmdbKeyedStateBackend } from '../../src/runtime/state/lmdb/lmdb-keyed-state-backend.js';

/**
 * Every keyed state backend runs the same state suites (TTL model, rescaling, restore formats):
 * add a new backend here and it is held to the same contract.
 */
export const keyedBackends = [
  {
    name: 'heap',
    /** `ttlCleanupPerWrite: 0` turns incremental TTL cleanup off, for models that read expired values back. */
    create: (clock: Clock, maxParallelism: number, ttlCleanupPerWrite?: number) => new HeapKeyedStateBackend(clock, maxParallelism, ttlCleanupPerWrite),
  },
  {
    name: 'lmdb',
    // A cache of 4 entries sends nearly every access to disk, so the suites test the store, not the cache.
    create: (clock: Clock, maxParallelism: number, ttlCleanupPerWrite?: number) =>
      new LmdbKeyedStateBackend(clock, maxParallelism, { cacheEntries: 4, ttlCleanupPerWrite }),
  },
] as const;
