import type { Clock } from '../../src/core/clock.js';
import { HeapKeyedStateBackend } from '../../src/runtime/state/heap-keyed-state-backend.js';

/**
 * Every keyed state backend runs the same state suites (TTL model, rescaling, restore formats):
 * add a new backend here and it is held to the same contract.
 */
export const keyedBackends = [{ name: 'heap', create: (clock: Clock, maxParallelism: number) => new HeapKeyedStateBackend(clock, maxParallelism) }] as const;
