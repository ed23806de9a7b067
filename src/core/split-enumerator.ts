import type { Clock } from './clock.js';
import type { SourceSplit } from './source.js';

/**
 * What a {@link SplitEnumerator} can do: hand splits to readers and tell them there are no more.
 * Assignments to one reader arrive in the order they were made, and never overtake a checkpoint
 * that was triggered before them.
 */
export interface SplitEnumeratorContext<S extends SourceSplit = SourceSplit> {
  readonly sourceName: string;
  /** Number of parallel readers (subtasks 0 .. parallelism - 1). */
  readonly parallelism: number;
  readonly clock: Clock;
  /**
   * Whether the job takes checkpoints (undefined: it does not). An enumerator that waits for
   * {@link SplitEnumerator.notifyCheckpointComplete} must not wait without them.
   */
  readonly checkpointing?: boolean;
  /** Readers that have registered (called `addReader`) in this attempt. */
  registeredReaders(): readonly number[];
  assignSplit(subtaskIndex: number, split: S): void;
  /** The reader ends once it has read the splits it holds. */
  signalNoMoreSplits(subtaskIndex: number): void;
  /**
   * Runs `work` (I/O such as listing a directory) and then `then` with its result, in the
   * enumerator's thread like every other call; a rejection or a throw fails the job, and `then`
   * is skipped once the enumerator was closed.
   */
  callAsync<T>(work: () => Promise<T>, then: (result: T) => void): void;
}

/**
 * Hands a source's splits to its readers, as Flink's FLIP-27 `SplitEnumerator`: one per source and
 * job attempt, in the main thread beside the checkpoint coordinator, never in a slot. All methods
 * are called from that thread, one at a time; work found later (new files, the log split after CDC
 * snapshot chunks) is assigned from `clock.schedule` callbacks the enumerator sets up in `start`.
 *
 * Order of calls: `createEnumerator(ctx, restored)`, `start()`, `addSplitsBack` for the splits that
 * readers held in the restored checkpoint, then `addReader` per reader and `handleSplitRequest` each
 * time a reader is idle, `snapshotState` at every checkpoint (before the readers take theirs), and
 * `close()`. A reader that asked and got nothing does not ask again until it received a split: the
 * enumerator remembers it and assigns once it has work.
 *
 * @example
 * createEnumerator: (ctx, restored?: string[]) => {
 *   const pending = restored ?? ['a', 'b', 'c'];
 *   return {
 *     start() {},
 *     handleSplitRequest(i) { const id = pending.shift(); if (id) ctx.assignSplit(i, { id }); else ctx.signalNoMoreSplits(i); },
 *     addSplitsBack(splits) { pending.push(...splits.map((s) => s.id)); },
 *     addReader() {},
 *     snapshotState: () => [...pending],
 *     close() {},
 *   };
 * }
 */
export interface SplitEnumerator<S extends SourceSplit = SourceSplit, E = unknown> {
  start(): void;
  /** Reader `subtaskIndex` is idle and asks for work. */
  handleSplitRequest(subtaskIndex: number): void;
  /**
   * Splits that were assigned to a reader whose progress was lost (the readers of a restored
   * checkpoint held them) come back, to be assigned again; positions are kept per split id, so the
   * reader that gets one resumes where the old one was.
   */
  addSplitsBack(splits: S[], subtaskIndex: number): void;
  addReader(subtaskIndex: number): void;
  /** The enumerator's state for checkpoint `checkpointId`: a structured-cloneable value (no functions). */
  snapshotState(checkpointId: number): E;
  /**
   * Checkpoint `checkpointId` completed: what readers emitted before its barrier is committed by
   * two-phase sinks. An enumerator may hold back a split until output it depends on is (see
   * `CdcEnumerator` of postgres-cdc).
   */
  notifyCheckpointComplete?(checkpointId: number): void;
  close(): void;
}
