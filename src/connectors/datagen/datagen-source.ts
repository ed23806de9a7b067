import { Batch } from '../../core/batch.js';
import { ConfigError } from '../../core/errors.js';
import type { PollResult, Source, SourceSplit } from '../../core/source.js';
import { RowRandom } from './row-random.js';

export interface DataGenOptions<T> {
  /** Rows in total; without it the source is unbounded. */
  readonly numberOfRows?: number;
  /** Rows per second for the whole source, shared by its readers in proportion to their splits; unlimited if absent. */
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
 * How many interleaved splits the row indices are dealt to (more when the parallelism is higher).
 * A fixed number, not one per reader, so positions kept per split id restore at any parallelism.
 */
export const DATAGEN_SPLITS = 128;

/**
 * Generated rows, as Flink's `datagen` connector. Row `i` depends only on `seed` and `i`, so a job
 * produces the same rows at any parallelism and after a restore (the source is replayable). Row
 * indices are dealt round-robin to 128 splits, and each reader generates the rows of its splits in
 * increasing order (one reader: 0, 1, 2, ...), so a restore at another parallelism continues every
 * split where it stopped. With `rowsPerSecond` the readers follow the job clock (`ctx.clock`), so a
 * `ManualClock` drives them in tests.
 *
 * @example
 * env.fromSource(datagen({ numberOfRows: 1000, rowsPerSecond: 100, seed: 42,
 *   generator: (i, r) => ({ id: i, user: r.pick(['ann', 'bob']), amount: r.int(1, 500) }) }));
 */
export function datagen<T>(options: DataGenOptions<T>): Source<T, DataGenSplit> {
  const { numberOfRows, rowsPerSecond, seed, generator } = options;
  if (numberOfRows !== undefined && !(Number.isSafeInteger(numberOfRows) && numberOfRows >= 0))
    throw new ConfigError(`datagen: numberOfRows must be a non-negative integer, got ${numberOfRows}`);
  if (rowsPerSecond !== undefined && !(rowsPerSecond > 0)) throw new ConfigError(`datagen: rowsPerSecond must be positive, got ${rowsPerSecond}`);
  const total = numberOfRows ?? Infinity;
  const name = options.name ?? 'DataGen Source';
  return {
    name,
    bounded: numberOfRows !== undefined,
    replayable: true,
    splits(parallelism) {
      const stride = Math.max(parallelism, DATAGEN_SPLITS);
      return Array.from({ length: stride }, (_, k) => ({ id: `datagen-${k}/${stride}`, offset: k, stride }));
    },
    createReader(splits, ctx, restored) {
      const sorted = splits.slice().sort((a, b) => a.offset - b.offset);
      const offsets = sorted.map((s) => s.offset);
      const next = sorted.map((s) => restoredPosition(name, s, restored as DataGenPositions | undefined));
      const stride = sorted[0]?.stride ?? 1;
      const m = sorted.length;
      const random = new RowRandom();
      // The reader's share of the rate is its share of the splits.
      const rate = rowsPerSecond === undefined ? undefined : (rowsPerSecond * m) / stride;
      let startedAt: number | undefined;
      let emitted = 0;
      return {
        poll(): PollResult<T> {
          let budget = ctx.batchSize;
          if (rate !== undefined) {
            const now = ctx.clock.now();
            startedAt ??= now;
            budget = Math.min(budget, Math.floor(((now - startedAt) * rate) / 1000) - emitted);
            if (budget <= 0) return anyLeft() ? 'later' : 'end';
          }
          // Round `r` holds row `offset + r * stride` of every split; rounds go in order, so rows
          // come in increasing order, and a split restored further ahead waits for its round.
          const values = new Array<T>(budget);
          let n = 0;
          fill: while (n < budget) {
            let lowest = Infinity;
            for (let j = 0; j < m; j++) if (next[j]! < total && next[j]! - offsets[j]! < lowest) lowest = next[j]! - offsets[j]!;
            if (lowest === Infinity) break;
            for (let j = 0; j < m; j++) {
              const index = next[j]!;
              if (index >= total || index - offsets[j]! !== lowest) continue;
              if (n >= budget) break fill;
              random.reset(seed, index);
              values[n++] = generator(index, random);
              next[j] = index + stride;
            }
          }
          if (n === 0) return 'end';
          values.length = n;
          emitted += n;
          return Batch.of(values);
        },
        snapshotState(): DataGenPositions {
          const out: DataGenPositions = {};
          sorted.forEach((s, j) => (out[s.id] = next[j]!));
          return out;
        },
      };
      function anyLeft(): boolean {
        return next.some((n) => n < total);
      }
    },
  };
}

/**
 * A split's next row from restored positions. Positions of older checkpoints, kept per reader
 * (`datagen-<i>-of-<p>`), translate when the old readers' rows are unions of whole splits (p
 * divides the split count); otherwise restoring them would repeat or skip rows, so it fails.
 */
function restoredPosition(name: string, s: DataGenSplit, saved: DataGenPositions | undefined): number {
  const at = saved?.[s.id];
  if (at !== undefined || !saved) return at ?? s.offset;
  const legacy = Object.keys(saved)
    .map((id) => /^datagen-(\d+)-of-(\d+)$/.exec(id))
    .find((x) => x);
  if (!legacy) return s.offset;
  const p = Number(legacy[2]);
  if (s.stride % p !== 0)
    throw new ConfigError(
      `${name}: the checkpoint keeps datagen positions per reader of parallelism ${p}, which cannot be mapped onto ${s.stride} splits; start this source fresh`,
    );
  const done = saved[`datagen-${s.offset % p}-of-${p}`] ?? s.offset % p;
  return done <= s.offset ? s.offset : s.offset + Math.ceil((done - s.offset) / s.stride) * s.stride;
}
