import type { Batch } from './batch.js';
import type { ChangelogMode } from './operator-factory.js';
import type { Clock } from './clock.js';
import type { OperatorMetrics } from './operator.js';

/** What to do with input a source cannot read. `fail` is the default: nothing is dropped silently. */
export type ErrorPolicy = 'fail' | 'skip' | 'dead-letter';

/** The side output a source's dead-letter records go to (see `DataStream.getDeadLetters`). */
export const DEAD_LETTER_TAG = 'dead-letter';

/** What the dead-letter output receives for each record a source could not read. */
export interface DeadLetter {
  readonly source: string;
  readonly location: string;
  readonly reason: string;
  readonly raw: string;
}

/** A piece of a source's work, assigned to one reader (a file, a range of a sequence, a generator partition). */
export interface SourceSplit {
  readonly id: string;
}

export interface SourceReaderContext {
  readonly sourceName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly clock: Clock;
  readonly metrics: OperatorMetrics;
  /** Preferred number of records per batch. */
  readonly batchSize: number;
  /** Records that could not be read, with the reason, when the error policy is `dead-letter`. */
  deadLetter(raw: string, reason: string, location: string): void;
}

/** Result of one `poll`: a batch, nothing for now (try later), or the end of this reader's input. */
export type PollResult<T> = Batch<T> | 'later' | 'end';

/**
 * Reads the splits assigned to one subtask. `poll` is called again only after the previous call
 * settled. Batches may carry event timestamps from the source; the watermark strategy can override
 * them.
 */
export interface SourceReader<T> {
  poll(): PollResult<T> | Promise<PollResult<T>>;
  /** Positions within the assigned splits, as a serializable value (for checkpoints). */
  snapshotState?(): unknown;
  /**
   * Where the record at `index` of the batch the last `poll` returned was read (e.g. `path:line`),
   * for error messages and dead letters. Called only before the next `poll`.
   */
  locate?(index: number): string | undefined;
  close?(): void | Promise<void>;
}

/**
 * The source SPI. A source divides its work into splits, and each parallel reader reads the splits
 * assigned to it. `replayable` says whether a reader restored from `snapshotState` re-reads exactly
 * from there; it decides the end-to-end guarantee a job can give.
 *
 * @example
 * const numbers: Source<number> = {
 *   name: 'numbers', bounded: true, replayable: true,
 *   splits: () => [{ id: 'all' }],
 *   createReader: () => { let done = false; return { poll: () => done ? 'end' : ((done = true), Batch.of([1, 2, 3])) }; },
 * };
 */
export interface Source<T, S extends SourceSplit = SourceSplit> {
  /** Shown in plans, summaries and errors; `'Source'` when left out. */
  readonly name?: string;
  readonly bounded: boolean;
  readonly replayable: boolean;
  /** Splits for `parallelism` readers. */
  splits(parallelism: number): S[];
  createReader(splits: S[], ctx: SourceReaderContext, restored?: unknown): SourceReader<T>;
  /**
   * What the source task does with a record it cannot give an event time (the watermark strategy's
   * assigner returned something that is not a safe integer): as for unreadable input, `fail` by default.
   */
  readonly errorPolicy?: ErrorPolicy;
  /** Largest parallelism the source supports (e.g. 1 for a socket). */
  readonly maxParallelism?: number;
  /** `'changelog'` when batches carry row kinds other than insertions (a CDC source); default `'insert-only'`. Printed in plans. */
  readonly changelogMode?: ChangelogMode;
}
