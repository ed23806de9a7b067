import { Batch } from '../../core/batch.js';
import type { Source, SourceSplit } from '../../core/source.js';

/** Elements `[from, to)` of the array. */
interface RangeSplit extends SourceSplit {
  readonly from: number;
  readonly to: number;
}

/**
 * Per range `elements-<from>-<to>`, the index of its next element. After a restore a reader lists
 * only the ranges it still had to read: an element no listed range covers has been read.
 */
export type ArrayPositions = Record<string, number>;

const RANGE_ID = /^elements-(\d+)-(\d+)$/;

/**
 * A bounded source over an in-memory array. Parallel readers each take a contiguous range; the
 * position is the next index of each range, named by its bounds, so the source is replayable and a
 * reader restored at any parallelism reads the parts of its range that no old reader had read.
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
      return Array.from({ length: parallelism }, (_, i) => {
        const from = Math.floor((i * n) / parallelism);
        const to = Math.floor(((i + 1) * n) / parallelism);
        return { id: `elements-${from}-${to}`, from, to };
      });
    },
    createReader(splits, ctx, restored) {
      const ranges = splits.flatMap((s) => unread(s, restored));
      let r = 0;
      let batchStart = 0;
      return {
        poll() {
          while (r < ranges.length && ranges[r]!.next >= ranges[r]!.to) r++;
          if (r >= ranges.length) return 'end';
          const range = ranges[r]!;
          const start = range.next;
          const end = Math.min(range.to, start + ctx.batchSize);
          range.next = end;
          batchStart = start;
          return Batch.of(values.slice(start, end) as T[]);
        },
        locate: (index) => `element ${batchStart + index}`,
        snapshotState(): ArrayPositions {
          const out: ArrayPositions = {};
          for (const x of ranges) out[`elements-${x.from}-${x.to}`] = x.next;
          return out;
        },
      };
    },
  };
}

/** The parts of `split` that the restored positions (of readers at any parallelism) left unread. */
function unread(split: RangeSplit, restored: unknown): { from: number; to: number; next: number }[] {
  const part = (from: number, to: number) => (from < to ? [{ from, to, next: from }] : []);
  if (restored === undefined || restored === null) return part(split.from, split.to);
  // Older checkpoints kept one index per reader; the runtime hands them over only when the reader
  // covers the same range or the old job had one reader, and in both cases this is what is left.
  if (Array.isArray(restored)) return part(Math.max(split.from, Number(restored[0] ?? split.from)), split.to);
  const out: { from: number; to: number; next: number }[] = [];
  for (const [id, next] of Object.entries(restored as ArrayPositions)) {
    const m = RANGE_ID.exec(id);
    if (m) out.push(...part(Math.max(split.from, Number(m[1]), next), Math.min(split.to, Number(m[2]))));
  }
  return out.sort((a, b) => a.from - b.from);
}
