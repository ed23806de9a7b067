import type { Sink } from '../../core/sink.js';

/**
 * Discards every record (for benchmarks); records are still counted in the job metrics.
 *
 * @example
 * stream.sinkTo(blackhole())
 */
export function blackhole<T>(): Sink<T> {
  return { name: 'Blackhole', inputChangelogMode: 'all', createWriter: () => ({ write() {} }) };
}
