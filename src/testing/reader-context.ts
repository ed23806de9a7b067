import { ManualClock, type Clock } from '../core/clock.js';
import type { DeadLetter, SourceReaderContext } from '../core/source.js';

/**
 * A real SourceReaderContext for driving a reader by hand (restores, clocks), recording what the
 * reader reports: counters and dead letters.
 *
 * @example
 * const { ctx, deadLetters } = readerContext({ batchSize: 10 });
 * const reader = source.createReader(source.splits(1), ctx);
 */
export function readerContext(options: { batchSize?: number; clock?: Clock; subtaskIndex?: number; parallelism?: number } = {}) {
  const counters: Record<string, number> = {};
  const deadLetters: DeadLetter[] = [];
  const ctx: SourceReaderContext = {
    sourceName: 'test-source',
    subtaskIndex: options.subtaskIndex ?? 0,
    parallelism: options.parallelism ?? 1,
    clock: options.clock ?? new ManualClock(0),
    batchSize: options.batchSize ?? 1024,
    metrics: { inc: (name, by = 1) => void (counters[name] = (counters[name] ?? 0) + by) },
    deadLetter: (raw, reason, location) => void deadLetters.push({ source: 'test-source', raw, reason, location }),
  };
  return { ctx, counters, deadLetters };
}
