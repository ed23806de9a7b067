import type { Batch } from './batch.js';
import type { ChangelogMode } from './operator-factory.js';
import type { Clock } from './clock.js';
import type { Schema } from './schema.js';
import type { OperatorMetrics } from './operator.js';
import type { SplitEnumerator, SplitEnumeratorContext } from './split-enumerator.js';

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

/** What a {@link RecordStep} returns for a record it drops. */
export const SKIP_RECORD: unique symbol = Symbol('weir.skip-record');

/**
 * Stateless work on one record that the runtime may hand to a reader's `pollStepped`: the filter
 * (and a map behind it) chained right after the source. The reader calls `apply` on each record as
 * it reads it, while the record is still in the CPU's cache, instead of writing every record into a
 * batch that the filter then reads back.
 */
export interface RecordStep {
  /** The record's result, or {@link SKIP_RECORD} to drop it. May throw (a user function failed). */
  apply(value: unknown): unknown;
}

/** What one `pollStepped` read: the results the step kept, with their event times, and what it read. */
export interface SteppedBatch<R = unknown> {
  /** The kept results (may be none). */
  readonly batch: Batch<R>;
  /** Records read, kept or not. */
  readonly read: number;
  /** The highest event time among all records read. */
  readonly maxTimestamp: number;
}

/**
 * Reads the splits assigned to one subtask. `poll` is called again only after the previous call
 * settled. Batches may carry event timestamps from the source; the watermark strategy can override
 * them.
 */
export interface SourceReader<T> {
  poll(): PollResult<T> | Promise<PollResult<T>>;
  /**
   * Optional: `poll` with `step` applied to each record as it is read (see {@link RecordStep}); the
   * runtime uses it when a filter is chained right behind the source and the watermark strategy has
   * no timestamp assigner. Returns undefined when it cannot this time (the runtime then calls
   * `poll`). Only for readers whose event times are always safe integers (the runtime does not check
   * them on this path) and that never dead-letter records. A throw from `step` propagates unchanged.
   */
  pollStepped?(step: RecordStep): SteppedBatch | 'later' | 'end' | undefined;
  /**
   * Positions within the assigned splits, as a serializable value (for checkpoints); best an object
   * keyed by split id, which restores at any parallelism, and required so with an enumerator.
   * `checkpointId` is the checkpoint it is taken for (absent when a harness or test asks).
   */
  snapshotState?(checkpointId?: number): unknown;
  /**
   * Checkpoint `checkpointId` completed: every position `snapshotState` took for it and before is
   * durable, so the reader may confirm them to its system (a CDC reader confirms its replication
   * slot). Called in the reader's thread between polls; a rejection fails the job.
   */
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  /**
   * Where the record at `index` of the batch the last `poll` returned was read (e.g. `path:line`),
   * for error messages and dead letters. Called only before the next `poll`.
   */
  locate?(index: number): string | undefined;
  close?(): void | Promise<void>;
  /**
   * Splits an enumerator assigned to this reader (only for a source with `createEnumerator`), with
   * the positions a restored checkpoint holds for some of them (by split id, as `snapshotState`
   * wrote them). Called between two polls, never during one. A reader whose `poll` returns
   * `'later'` is idle: the runtime then asks the enumerator for a split (one request at a time).
   */
  addSplits?(splits: SourceSplit[], positions?: Readonly<Record<string, unknown>>): void;
  /** The enumerator has no more splits for this reader: `poll` returns `'end'` once the held ones are read. */
  notifyNoMoreSplits?(): void;
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
  /**
   * Fixed splits for `parallelism` readers: reader `i` gets those at positions `j % parallelism === i`.
   * Called in every slot, so it must return the same splits each time. Not called for a source with
   * `createEnumerator`.
   */
  splits(parallelism: number): S[];
  /**
   * `splits` are the fixed share, and `restored` the positions per split id merged over all old
   * readers. With an enumerator both are empty: splits and their positions come through `addSplits`.
   */
  createReader(splits: S[], ctx: SourceReaderContext, restored?: unknown): SourceReader<T>;
  /**
   * Makes the source hand out splits on request instead of fixed shares (see {@link SplitEnumerator}):
   * called once per job attempt in the main thread, with the enumerator's state from the restored
   * checkpoint. Its readers must implement `addSplits` and `notifyNoMoreSplits`.
   */
  createEnumerator?(ctx: SplitEnumeratorContext<S>, restoredState?: unknown): SplitEnumerator<S>;
  /**
   * With an enumerator: whether a split whose checkpointed position (what a reader's `snapshotState`
   * held under its id) is this was read to its end. A restore does not hand such splits out again.
   */
  isSplitFinished?(position: unknown): boolean;
  /**
   * What the source task does with a record it cannot give an event time (the watermark strategy's
   * assigner returned something that is not a safe integer): as for unreadable input, `fail` by default.
   */
  readonly errorPolicy?: ErrorPolicy;
  /** Largest parallelism the source supports (e.g. 1 for a socket). */
  readonly maxParallelism?: number;
  /** `'changelog'` when batches carry row kinds other than insertions (a CDC source); default `'insert-only'`. Printed in plans. */
  readonly changelogMode?: ChangelogMode;
  /** The fields of the records it emits, when known: printed in plans and checked where streams meet (see `schemaOf`). */
  readonly schema?: Schema;
}
