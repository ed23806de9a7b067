import { Batch } from '../../core/batch.js';
import type { Source, SourceSplit } from '../../core/source.js';

interface RangeSplit extends SourceSplit {
  readonly from: number;
  readonly to: number;
}

/**
 * A bounded source over an in-memory array. Parallel readers each take a contiguous range; the
 * reader position is an index, so the source is replayable.
 *
 * @example
 * env.fromSource(arraySource([1, 2, 3]))
 */
export function arraySource<T>(values: readonly T[], name = 'Collection Source'): Source<T, RangeSplit> {
  return {
    name,
    bounded: true,
    replayable: true,
    splits(parallelism) {
      const n = values.length;
      return Array.from({ length: parallelism }, (_, i) => ({ id: `range-${i}`, from: Math.floor((i * n) / parallelism), to: Math.floor(((i + 1) * n) / parallelism) }));
    },
    createReader(splits, ctx, restored) {
      const ranges = splits.map((s) => ({ ...s }));
      const pos = (restored as number[] | undefined)?.slice() ?? ranges.map((r) => r.from);
      let r = 0;
      let batchStart = 0;
      return {
        poll() {
          while (r < ranges.length && pos[r]! >= ranges[r]!.to) r++;
          if (r >= ranges.length) return 'end';
          const start = pos[r]!;
          const end = Math.min(ranges[r]!.to, start + ctx.batchSize);
          pos[r] = end;
          batchStart = start;
          return Batch.of(values.slice(start, end) as T[]);
        },
        locate: (index) => `element ${batchStart + index}`,
        snapshotState: () => pos.slice(),
      };
    },
  };
}
