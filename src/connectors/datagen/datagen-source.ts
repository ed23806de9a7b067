import { Batch } from '../../core/batch.js';
import { ConfigError } from '../../core/errors.js';
import type { PollResult, Source, SourceSplit } from '../../core/source.js';
import { RowRandom } from './row-random.js';

export interface DataGenOptions<T> {
  /** Rows in total; without it the source is unbounded. */
  readonly numberOfRows?: number;
  /** Rows per second for the whole source, shared evenly by its readers; unlimited if absent. */
  readonly rowsPerSecond?: number;
  /** Same seed, same rows. */
  readonly seed: number;
  /** Makes row `index` (0, 1, 2, ...). Draw randomness only from `random`, so rows stay reproducible. */
  readonly generator: (index: number, random: RowRandom) => T;
  readonly name?: string;
}

/** Rows `offset`, `offset + stride`, `offset + 2 * stride`, ... */
export interface DataGenSplit extends SourceSplit {
  readonly offset: number;
  readonly stride: number;
}

/** Per split id, the next row index its reader generates. */
export type DataGenPositions = Record<string, number>;

/**
 * Generated rows, as Flink's `datagen` connector. Row `i` depends only on `seed` and `i`, so a job
 * produces the same rows at any parallelism and after a restore (the source is replayable). With
 * `rowsPerSecond` the readers follow the job clock (`ctx.clock`), so a `ManualClock` drives them in
 * tests.
 *
 * @example
 * env.fromSource(datagen({ numberOfRows: 1000, rowsPerSecond: 100, seed: 42,
 *   generator: (i, r) => ({ id: i, user: r.pick(['ann', 'bob']), amount: r.int(1, 500) }) }));
 */
export function datagen<T>(options: DataGenOptions<T>): Source<T, DataGenSplit> {
  const { numberOfRows, rowsPerSecond, seed, generator } = options;
  if (numberOfRows !== undefined && !(Number.isSafeInteger(numberOfRows) && numberOfRows >= 0)) throw new ConfigError(`datagen: numberOfRows must be a non-negative integer, got ${numberOfRows}`);
  if (rowsPerSecond !== undefined && !(rowsPerSecond > 0)) throw new ConfigError(`datagen: rowsPerSecond must be positive, got ${rowsPerSecond}`);
  const total = numberOfRows ?? Infinity;
  return {
    name: options.name ?? 'DataGen Source',
    bounded: numberOfRows !== undefined,
    replayable: true,
    splits: (parallelism) => Array.from({ length: parallelism }, (_, i) => ({ id: `datagen-${i}-of-${parallelism}`, offset: i, stride: parallelism })),
    createReader(splits, ctx, restored) {
      const saved = restored as DataGenPositions | undefined;
      const next = splits.map((s) => saved?.[s.id] ?? s.offset);
      const random = new RowRandom();
      const rate = rowsPerSecond === undefined ? undefined : (rowsPerSecond * splits.length) / Math.max(1, splits[0]?.stride ?? 1);
      let startedAt: number | undefined;
      let emitted = 0;
      let r = 0;
      return {
        poll(): PollResult<T> {
          let budget = ctx.batchSize;
          if (rate !== undefined) {
            const now = ctx.clock.now();
            startedAt ??= now;
            budget = Math.min(budget, Math.floor(((now - startedAt) * rate) / 1000) - emitted);
            if (budget <= 0) return anyLeft() ? 'later' : 'end';
          }
          // Round-robin over the splits, so an unbounded split does not starve the others.
          for (let tries = 0; tries < splits.length; tries++, r = (r + 1) % splits.length) {
            if (next[r]! >= total) continue;
            const { stride } = splits[r]!;
            let index = next[r]!;
            const n = Math.min(budget, Math.ceil((total - index) / stride));
            const values = new Array<T>(n);
            for (let i = 0; i < n; i++, index += stride) {
              random.reset(seed, index);
              values[i] = generator(index, random);
            }
            next[r] = index;
            emitted += n;
            r = (r + 1) % splits.length;
            return Batch.of(values);
          }
          return 'end';
        },
        snapshotState(): DataGenPositions {
          const out: DataGenPositions = {};
          splits.forEach((s, i) => (out[s.id] = next[i]!));
          return out;
        },
      };
      function anyLeft(): boolean {
        return next.some((n) => n < total);
      }
    },
  };
}
