import { Batch } from '../../core/batch.js';
import { ConfigError } from '../../core/errors.js';
import type { Source, SourceSplit } from '../../core/source.js';

/** A contiguous range `[from, to]` of a sequence, both included. */
export interface SequenceSplit extends SourceSplit {
  readonly from: number;
  readonly to: number;
}

/** How many ranges a sequence is cut into (more when the parallelism is higher). */
export const SEQUENCE_SPLITS = 128;

/** Per split id, the next value its reader emits. */
export type SequencePositions = Record<string, number>;

/**
 * The integers from `from` to `to`, both included, as Flink's `fromSequence`. Bounded and
 * replayable: parallel readers each take a contiguous range, and a reader's position is the next
 * value of each of its ranges.
 *
 * @example
 * env.fromSource(sequence(1, 1_000_000)).filter((n) => n % 7 === 0).sinkTo(blackhole());
 */
export function sequence(from: number, to: number, name = 'Sequence Source'): Source<number, SequenceSplit> {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new ConfigError(`sequence(${from}, ${to}): bounds must be safe integers`);
  if (to < from) throw new ConfigError(`sequence(${from}, ${to}): 'to' must not be below 'from'`);
  return {
    name,
    bounded: true,
    replayable: true,
    splits(parallelism) {
      // A fixed number of ranges (not one per reader), so a checkpoint restores at any parallelism:
      // positions are kept per range, and ranges do not change with the parallelism.
      const count = to - from + 1;
      const ranges = Math.max(parallelism, Math.min(SEQUENCE_SPLITS, count));
      return Array.from({ length: ranges }, (_, i) => {
        const start = from + Math.floor((i * count) / ranges);
        const end = from + Math.floor(((i + 1) * count) / ranges) - 1;
        return { id: `sequence-${start}-${end}`, from: start, to: end };
      }).filter((s) => s.to >= s.from);
    },
    createReader(splits, ctx, restored) {
      const saved = restored as SequencePositions | undefined;
      const next = splits.map((s) => saved?.[s.id] ?? s.from);
      let r = 0;
      return {
        poll() {
          while (r < splits.length && next[r]! > splits[r]!.to) r++;
          if (r >= splits.length) return 'end';
          const start = next[r]!;
          const n = Math.min(ctx.batchSize, splits[r]!.to - start + 1);
          const values = new Array<number>(n);
          for (let i = 0; i < n; i++) values[i] = start + i;
          next[r] = start + n;
          return Batch.of(values);
        },
        snapshotState(): SequencePositions {
          const out: SequencePositions = {};
          splits.forEach((s, i) => (out[s.id] = next[i]!));
          return out;
        },
      };
    },
  };
}
